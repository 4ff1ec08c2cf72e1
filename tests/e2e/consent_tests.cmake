# Decisions, consent, notices, policies and calendar end to end (included from
# tests/e2e/CMakeLists.txt): the proprio binary (cli_consent_test) and the
# HTTP routes on loopback (http_decisions_test).
proprio_add_cli_test(cli_consent_test SOURCES cli_consent_test.cc)
target_compile_definitions(cli_consent_test PRIVATE PROPRIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

proprio_add_test(http_decisions_test SOURCES http_decisions_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client LABELS e2e)
target_compile_definitions(http_decisions_test PRIVATE PROPRIO_SOURCE_DIR="${PROJECT_SOURCE_DIR}")
