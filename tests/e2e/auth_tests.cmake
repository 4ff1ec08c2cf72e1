# Customer authentication and account-change notifications (issue 5),
# included from tests/e2e/CMakeLists.txt: the webhook outbox against a real
# receiver on loopback, the HTTP routes in process, and the CLI.
proprio_add_test(auth_webhook_test SOURCES auth_webhook_test.cc
  DEPS proprio_api LABELS e2e)
proprio_add_test(auth_http_test SOURCES auth_http_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client LABELS e2e)
proprio_add_test(auth_cli_test SOURCES auth_cli_test.cc cli_runner.cc
  DEPS SQLite::SQLite3 nlohmann_json::nlohmann_json LABELS e2e)
target_compile_definitions(auth_cli_test PRIVATE PROPRIO_BIN="$<TARGET_FILE:proprio>")
add_dependencies(auth_cli_test proprio)
