# Customer authentication and account-change notifications (issue 5),
# included from tests/e2e/CMakeLists.txt: the webhook outbox against a real
# receiver on loopback, the HTTP routes in process, and the CLI.
proprio_add_test(auth_webhook_test SOURCES auth_webhook_test.cc
  DEPS proprio_api LABELS e2e)
proprio_add_test(auth_http_test SOURCES auth_http_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client LABELS e2e)
proprio_add_cli_test(auth_cli_test SOURCES auth_cli_test.cc
  DEPS SQLite::SQLite3)
