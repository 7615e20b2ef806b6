#include "bench/commit_watcher.h"

#include <sys/socket.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>

namespace covalue::bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

constexpr std::string_view kTxIdField = "\"tx_id\":\"";
constexpr size_t kTxIdHex = 64;

}  // namespace

CommitWatcher::CommitWatcher(ApiEndpoint endpoint, uint64_t from_height)
    : m_endpoint(std::move(endpoint)), m_cursor(std::to_string(from_height)) {
  m_thread = std::thread([this] { Follow(); });
}

CommitWatcher::~CommitWatcher() {
  {
    std::lock_guard lock(m_mutex);
    m_stopping = true;
    if (m_socket_fd >= 0) ::shutdown(m_socket_fd, SHUT_RDWR);
  }
  m_thread.join();
}

void CommitWatcher::Watch(const std::vector<std::string>& tx_ids) {
  std::lock_guard lock(m_mutex);
  for (const std::string& id : tx_ids) {
    if (!m_seen.contains(id)) m_unseen.insert(id);
  }
}

void CommitWatcher::Unwatch(const std::vector<std::string>& tx_ids) {
  std::lock_guard lock(m_mutex);
  for (const std::string& id : tx_ids) m_unseen.erase(id);
}

bool CommitWatcher::WaitAll(SteadyClock::time_point deadline) {
  std::unique_lock lock(m_mutex);
  return m_all_seen.wait_until(lock, deadline, [this] { return m_unseen.empty(); });
}

std::vector<std::string> CommitWatcher::Unseen() const {
  std::lock_guard lock(m_mutex);
  return {m_unseen.begin(), m_unseen.end()};
}

std::optional<SteadyClock::time_point> CommitWatcher::CommittedAt(const std::string& tx_id) const {
  std::lock_guard lock(m_mutex);
  auto it = m_seen.find(tx_id);
  if (it == m_seen.end()) return std::nullopt;
  return it->second;
}

uint64_t CommitWatcher::events() const {
  std::lock_guard lock(m_mutex);
  return m_events;
}

std::string CommitWatcher::last_error() const {
  std::lock_guard lock(m_mutex);
  return m_error;
}

// One line of the stream: "id: H.I.E" (the cursor to resume from) and "data: {…}" (the
// event, whose tx_id is noted); comments, "event:" and "retry:" lines are skipped.
void CommitWatcher::OnLine(std::string_view line, std::string* last_id) {
  if (line.starts_with("id: ")) {
    *last_id = std::string(line.substr(4));
    return;
  }
  if (!line.starts_with("data: ")) return;
  size_t at = line.find(kTxIdField);
  if (at == std::string_view::npos || line.size() < at + kTxIdField.size() + kTxIdHex) return;
  std::string id(line.substr(at + kTxIdField.size(), kTxIdHex));
  SteadyClock::time_point now = SteadyClock::now();
  std::lock_guard lock(m_mutex);
  ++m_events;
  if (!last_id->empty()) m_cursor = *last_id;
  if (!m_seen.emplace(id, now).second) return;  // a later event of the same transaction
  if (m_unseen.erase(id) > 0 && m_unseen.empty()) m_all_seen.notify_all();
}

void CommitWatcher::Follow() {
  for (;;) {
    std::string cursor;
    {
      std::lock_guard lock(m_mutex);
      if (m_stopping) return;
      cursor = m_cursor;
    }
    net::io_context io;
    tcp::socket socket(io);
    boost::system::error_code ec;
    auto address = net::ip::make_address(m_endpoint.host, ec);
    if (!ec) socket.connect(tcp::endpoint(address, m_endpoint.port), ec);
    if (!ec) {
      std::lock_guard lock(m_mutex);
      if (m_stopping) return;
      m_socket_fd = socket.native_handle();
    }
    if (!ec) {
      http::request<http::empty_body> request(http::verb::get, "/v1/events?cursor=" + cursor, 11);
      request.set(http::field::host, m_endpoint.host);
      http::write(socket, request, ec);
    }
    if (!ec) {
      boost::beast::flat_buffer buffer;
      std::string pending;  // a line not yet complete
      std::string last_id;
      auto on_chunk = [&](uint64_t, boost::beast::string_view body, boost::system::error_code&) {
        pending.append(body.data(), body.size());
        size_t begin = 0;
        for (size_t end; (end = pending.find('\n', begin)) != std::string::npos; begin = end + 1) {
          OnLine(std::string_view(pending).substr(begin, end - begin), &last_id);
        }
        pending.erase(0, begin);
        return body.size();
      };
      http::response_parser<http::empty_body> parser;
      parser.body_limit(boost::none);
      parser.on_chunk_body(on_chunk);  // the parser keeps a reference: on_chunk outlives it
      http::read_header(socket, buffer, parser, ec);
      if (!ec && parser.get().result_int() != 200) {
        ec = boost::system::errc::make_error_code(boost::system::errc::protocol_error);
      }
      if (!ec) http::read(socket, buffer, parser, ec);  // until the stream ends
    }
    {
      std::lock_guard lock(m_mutex);
      m_socket_fd = -1;
      if (m_stopping) return;
      m_error = ec ? ec.message() : "the stream ended";
    }
    // Reconnect after a pause, from the last event seen.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
}

}  // namespace covalue::bench
