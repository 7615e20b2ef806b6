#include "node/api/http_client.h"

#include <algorithm>
#include <cctype>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "common/decimal.h"

namespace covalue::api {

namespace net = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = net::ip::tcp;

namespace {

constexpr uint64_t kMaxResponseBodyBytes = 256ull << 20;

// Runs the io_context until its work is done; each asynchronous step below stores its result in
// locals, so the call reads like synchronous code while tcp_stream enforces the deadline.
void RunToCompletion(net::io_context& io) {
  io.run();
  io.restart();
}

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

Result<HttpResponse> HttpCall(const std::string& host, uint16_t port, const std::string& method,
                              const std::string& target, const std::string& body,
                              std::chrono::milliseconds timeout,
                              const std::vector<std::pair<std::string, std::string>>& headers) {
  const std::string where = host + ":" + std::to_string(port);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto timed_out = [&] {
    return Status(Code::kTimeout, "request to " + where + " timed out after " +
                                      std::to_string(timeout.count()) + " ms");
  };
  net::io_context io;
  beast::error_code ec;

  // Resolve (a numeric address needs no lookup).
  std::vector<tcp::endpoint> endpoints;
  net::ip::address numeric = net::ip::make_address(host, ec);
  if (!ec) {
    endpoints.emplace_back(numeric, port);
  } else {
    tcp::resolver resolver(io);
    bool done = false;
    resolver.async_resolve(host, std::to_string(port),
                           [&](beast::error_code e, tcp::resolver::results_type results) {
                             done = true;
                             ec = e;
                             for (const auto& entry : results) endpoints.push_back(entry.endpoint());
                           });
    io.run_until(deadline);
    if (!done) {
      resolver.cancel();
      RunToCompletion(io);
      return timed_out();
    }
    io.restart();
    if (ec) return Status(Code::kUnavailable, "cannot resolve " + host + ": " + ec.message());
  }

  // Connect.
  beast::tcp_stream stream(io);
  stream.expires_at(deadline);
  stream.async_connect(endpoints, [&](beast::error_code e, const tcp::endpoint&) { ec = e; });
  RunToCompletion(io);
  if (ec == beast::error::timeout) return timed_out();
  if (ec) return Status(Code::kUnavailable, "cannot connect to " + where + ": " + ec.message());

  // Write. A server that rejects a request early (413) may reset before taking all of it, so a
  // failed write still tries to read the answer.
  http::request<http::string_body> request;
  request.version(11);
  request.method_string(method);
  request.target(target);
  request.set(http::field::host, where);
  request.set(http::field::user_agent, "covalue");
  if (!body.empty()) request.set(http::field::content_type, "application/json");
  for (const auto& [name, value] : headers) request.insert(name, value);
  request.body() = body;
  request.keep_alive(false);
  request.prepare_payload();
  stream.expires_at(deadline);
  http::async_write(stream, request, [&](beast::error_code e, size_t) { ec = e; });
  RunToCompletion(io);
  if (ec == beast::error::timeout) return timed_out();
  beast::error_code write_error = ec;

  // Read.
  beast::flat_buffer buffer;
  http::response_parser<http::string_body> parser;
  parser.body_limit(kMaxResponseBodyBytes);
  stream.expires_at(deadline);
  http::async_read(stream, buffer, parser, [&](beast::error_code e, size_t) { ec = e; });
  RunToCompletion(io);
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
  if (ec == beast::error::timeout) return timed_out();
  if (ec && ec.category() == http::make_error_code(http::error::bad_version).category() &&
      ec != http::error::end_of_stream && ec != http::error::partial_message) {
    return Status(Code::kMalformed, "bad HTTP response from " + where + ": " + ec.message());
  }
  if (ec) {
    const beast::error_code& cause = write_error ? write_error : ec;
    return Status(Code::kUnavailable, "connection to " + where + " failed: " + cause.message());
  }

  http::response<http::string_body> message = parser.release();
  HttpResponse response;
  response.status = static_cast<int>(message.result_int());
  const auto content_type = message[http::field::content_type];
  response.content_type = std::string(content_type.data(), content_type.size());
  for (const auto& field : message) {
    const auto name = field.name_string();
    const auto value = field.value();
    response.headers.emplace_back(Lower({name.data(), name.size()}),
                                  std::string(value.data(), value.size()));
  }
  response.body = std::move(message.body());
  return response;
}

Result<std::pair<std::string, uint16_t>> ParseHostPort(std::string_view address) {
  const std::string original(address);
  auto invalid = [&](const std::string& why) {
    return Status(Code::kInvalidArgument, "bad address \"" + original + "\": " + why);
  };
  constexpr std::string_view kScheme = "http://";
  if (address.substr(0, kScheme.size()) == kScheme) {
    address.remove_prefix(kScheme.size());
    if (!address.empty() && address.back() == '/') address.remove_suffix(1);
  } else if (address.find("://") != std::string_view::npos) {
    return invalid("only http:// is supported");
  }
  if (address.find('/') != std::string_view::npos) return invalid("expected host:port, no path");
  std::string_view host;
  std::string_view port_text;
  if (!address.empty() && address.front() == '[') {  // [IPv6]:port
    size_t close = address.find(']');
    if (close == std::string_view::npos || close + 1 >= address.size() || address[close + 1] != ':') {
      return invalid("expected [ipv6]:port");
    }
    host = address.substr(1, close - 1);
    port_text = address.substr(close + 2);
  } else {
    size_t colon = address.rfind(':');
    if (colon == std::string_view::npos) return invalid("missing :port");
    host = address.substr(0, colon);
    port_text = address.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return invalid("put an IPv6 host in brackets");
  }
  if (host.empty()) return invalid("missing host");
  std::optional<unsigned> port = ParseDecimal<unsigned>(port_text);
  if (!port || *port == 0 || *port > 65535) return invalid("port must be 1-65535");
  return std::make_pair(std::string(host), static_cast<uint16_t>(*port));
}

}  // namespace covalue::api
