// StreamClient: a test client for streamed HTTP responses (node/api/http_server.h) and
// server-sent events (GET /v1/events): sends one GET, then hands out the body as it arrives —
// raw, line by line, or event by event (noting the largest chunk). Every wait is bounded by a
// generous deadline, so a
// broken server fails the test instead of hanging it. Header-only; one thread per client.
#pragma once

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <catch2/catch.hpp>

namespace covalue::testing {

// One server-sent event: its fields, with `data` lines joined by "\n".
struct ServerSentEvent {
  std::string id;
  std::string event;
  std::string data;
};

class StreamClient {
 public:
  static constexpr std::chrono::seconds kDeadline{30};

  // `receive_buffer`: if not 0, the socket's receive buffer (SO_RCVBUF) in bytes — small, for a
  // client whose window the server fills quickly.
  StreamClient(uint16_t port, const std::string& target,
               const std::vector<std::pair<std::string, std::string>>& headers = {},
               int receive_buffer = 0)
      : m_stream(m_io) {
    namespace http = boost::beast::http;
    boost::beast::error_code ec;
    if (receive_buffer != 0) {
      m_stream.socket().open(boost::asio::ip::tcp::v4());
      m_stream.socket().set_option(boost::asio::socket_base::receive_buffer_size(receive_buffer));
    }
    m_stream.expires_after(kDeadline);
    m_stream.async_connect(
        boost::asio::ip::tcp::endpoint(boost::asio::ip::make_address("127.0.0.1"), port),
        [&](boost::beast::error_code e) { ec = e; });
    Run();
    REQUIRE(!ec);
    http::request<http::empty_body> request(http::verb::get, target, 11);
    request.set(http::field::host, "127.0.0.1");
    for (const auto& [name, value] : headers) request.set(name, value);
    m_stream.expires_after(kDeadline);
    http::async_write(m_stream, request, [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    REQUIRE(!ec);
    m_on_chunk = [this](uint64_t, boost::beast::string_view body, boost::beast::error_code&) {
      m_text.append(body.data(), body.size());
      return body.size();
    };
    m_parser.on_chunk_body(m_on_chunk);
    m_on_chunk_header = [this](uint64_t size, boost::beast::string_view,
                               boost::beast::error_code&) {
      m_largest_chunk = std::max(m_largest_chunk, size);
    };
    m_parser.on_chunk_header(m_on_chunk_header);
    m_parser.body_limit(boost::none);
    m_stream.expires_after(kDeadline);
    http::async_read_header(m_stream, m_buffer, m_parser,
                            [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    REQUIRE(!ec);
  }

  unsigned status() const { return m_parser.get().result_int(); }
  std::string header(const std::string& name) const {
    return std::string(m_parser.get()[name]);
  }

  // The next line of the body (without "\n"), or nullopt once the body has ended.
  std::optional<std::string> NextLine() {
    while (true) {
      size_t newline = m_text.find('\n');
      if (newline != std::string::npos) {
        std::string line = m_text.substr(0, newline);
        m_text.erase(0, newline + 1);
        return line;
      }
      if (!ReadMore()) return std::nullopt;
    }
  }

  // The next event (comments and retry fields skipped; `comments` collects comment lines), or
  // nullopt once the body has ended.
  std::optional<ServerSentEvent> NextEvent(std::vector<std::string>* comments = nullptr) {
    ServerSentEvent event;
    bool any = false;
    while (auto line = NextLine()) {
      if (line->empty()) {
        if (any) return event;
        continue;
      }
      if ((*line)[0] == ':') {
        if (comments) comments->push_back(*line);
        continue;
      }
      size_t colon = line->find(':');
      std::string field = line->substr(0, colon);
      std::string value = colon == std::string::npos ? "" : line->substr(colon + 1);
      if (!value.empty() && value[0] == ' ') value.erase(0, 1);
      if (field == "id") event.id = value, any = true;
      if (field == "event") event.event = value, any = true;
      if (field == "data") event.data += (event.data.empty() ? "" : "\n") + value, any = true;
    }
    return std::nullopt;
  }

  // Everything until the server ends the body.
  std::string ReadToEnd() {
    while (ReadMore()) {
    }
    return std::exchange(m_text, {});
  }

  // True once the body is complete (the last chunk arrived) — not merely cut off.
  bool complete() const { return m_parser.is_done(); }
  // The size of the largest chunk of the body so far (chunked transfer encoding).
  uint64_t largest_chunk() const { return m_largest_chunk; }

 private:
  // Reads some more of the body; false once it has ended or the connection closed.
  bool ReadMore() {
    if (m_parser.is_done() || m_eof) return false;
    boost::beast::error_code ec;
    m_stream.expires_after(kDeadline);
    boost::beast::http::async_read_some(m_stream, m_buffer, m_parser,
                                        [&](boost::beast::error_code e, size_t) { ec = e; });
    Run();
    REQUIRE(ec != boost::beast::error::timeout);
    if (ec) m_eof = true;
    return !ec;
  }
  void Run() {
    m_io.run();
    m_io.restart();
  }

  boost::asio::io_context m_io;
  boost::beast::tcp_stream m_stream;
  boost::beast::flat_buffer m_buffer;
  boost::beast::http::response_parser<boost::beast::http::string_body> m_parser;
  std::function<size_t(uint64_t, boost::beast::string_view, boost::beast::error_code&)> m_on_chunk;
  std::function<void(uint64_t, boost::beast::string_view, boost::beast::error_code&)>
      m_on_chunk_header;
  uint64_t m_largest_chunk = 0;
  std::string m_text;  // received, not yet handed out
  bool m_eof = false;
};

}  // namespace covalue::testing
