# What an attacker probed (issue 22), included from tests/e2e/CMakeLists.txt:
# the HTTP API on loopback in process (JSON numbers beyond a double, the
# last-resort guard, the sign-in flood, the Authorization scheme, Idempotency-Key
# claims of a gone process) and the CLI on text that is not UTF-8.
proprio_add_test(http_hardening_test SOURCES http_hardening_test.cc ${PROPRIO_HTTP_E2E_CHECKS}
  DEPS proprio_api proprio_http_test_client LABELS e2e)
proprio_add_cli_test(cli_hardening_test SOURCES cli_hardening_test.cc)
# The command line's conventions (issue 18).
proprio_add_cli_test(cli_conventions_test SOURCES cli_conventions_test.cc)
