// A small synchronous HTTP/1.1 client for the CLI and tests: one request per connection, one
// deadline covering resolve, connect, write and read. Owns nothing between calls; every call has
// its own io_context, so calls from different threads are independent (thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "node/api/http_server.h"

namespace covalue::api {

// Sends one request and returns the response (any HTTP status counts as success; the headers
// come back with lower-case names). A non-empty body is sent as application/json; `headers` are
// added as given (e.g. {"Authorization", "Bearer …"}).
// kUnavailable (naming host:port) if the connection is refused or dropped, kTimeout when
// `timeout` passes first, kMalformed for a response that is not HTTP.
Result<HttpResponse> HttpCall(const std::string& host, uint16_t port, const std::string& method,
                              const std::string& target, const std::string& body = "",
                              std::chrono::milliseconds timeout = std::chrono::seconds(30),
                              const std::vector<std::pair<std::string, std::string>>& headers = {});

// "127.0.0.1:26680", "http://127.0.0.1:26680", "http://node-a:26680/", "[::1]:26680" ->
// {host, port}. kInvalidArgument for anything else (no port, port 0, https://, a path).
Result<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view address);

}  // namespace covalue::api
