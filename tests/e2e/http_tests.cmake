# HTTP end-to-end tests (included from tests/e2e/CMakeLists.txt): the API over
# real HTTP on loopback, in process (http_api_test, SQLite and PostgreSQL) and
# through the built proprio binary (http_shutdown_test: SIGTERM under load).
find_package(Boost 1.74 REQUIRED)
add_library(proprio_http_test_client STATIC http_client.cc server_traces.cc)
proprio_target_defaults(proprio_http_test_client)
target_include_directories(proprio_http_test_client PUBLIC ${CMAKE_CURRENT_SOURCE_DIR})
target_link_libraries(proprio_http_test_client PUBLIC Boost::headers OpenSSL::SSL
                      Threads::Threads nlohmann_json::nlohmann_json)

# The API on loopback over a fresh SQLite or PostgreSQL database, with seeded
# carriers and staff tokens: the fixture of each resource's HTTP tests.
add_library(proprio_live_server STATIC live_server.cc)
proprio_target_defaults(proprio_live_server)
target_link_libraries(proprio_live_server PUBLIC proprio_api proprio_http_test_client
                      proprio_pg_test_db GTest::gtest)

# The OpenAPI check (issue 18): a JSON-schema subset validator, and the
# observer that checks every answer of a test binary against /openapi.json.
add_library(proprio_openapi_check STATIC openapi_check.cc)
proprio_target_defaults(proprio_openapi_check)
target_link_libraries(proprio_openapi_check PUBLIC nlohmann_json::nlohmann_json)
target_link_libraries(proprio_http_test_client PUBLIC proprio_openapi_check)
# The planted-value scan (issue 15): no secret or CPNI value a test sends ever
# shows in a problem body, a log, /metrics or a file beside the database.
set(PROPRIO_PLANTED_VALUE_SCAN ${CMAKE_CURRENT_SOURCE_DIR}/planted_values.cc)
# Both checks, compiled into every HTTP end-to-end test binary.
set(PROPRIO_HTTP_E2E_CHECKS ${CMAKE_CURRENT_SOURCE_DIR}/openapi_conformance.cc
    ${PROPRIO_PLANTED_VALUE_SCAN})

proprio_add_test(http_openapi_test SOURCES http_openapi_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client LABELS e2e)

proprio_add_test(http_api_test SOURCES http_api_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client proprio_pg_test_db SQLite::SQLite3 LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)

proprio_add_test(http_shutdown_test SOURCES http_shutdown_test.cc
  DEPS proprio_cli_runner SQLite::SQLite3 LABELS e2e)

proprio_add_test(http_breach_test SOURCES http_breach_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_live_server proprio_report_testing LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)

proprio_add_test(http_certification_test SOURCES http_certification_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_live_server LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)
target_compile_definitions(http_certification_test PRIVATE
  PROPRIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

proprio_add_test(http_opt_out_failure_test SOURCES http_opt_out_failure_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_live_server proprio_report_testing LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)

proprio_add_test(http_campaign_test SOURCES http_campaign_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client proprio_pg_test_db LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)

proprio_add_test(http_partner_test SOURCES http_partner_test.cc ${PROPRIO_PLANTED_VALUE_SCAN}
  DEPS proprio_live_server LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)

proprio_add_test(http_sim_test SOURCES http_sim_test.cc ${PROPRIO_PLANTED_VALUE_SCAN}
  DEPS proprio_live_server LABELS e2e
  ENV ${PROPRIO_POSTGRES_TEST_ENV}
  FIXTURES postgres)

# The web console's server side (issue 13): embedded files, CSP, the browser
# session cookie and CSRF, the search by number.
proprio_add_test(http_console_test SOURCES http_console_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client SQLite::SQLite3 LABELS e2e)
