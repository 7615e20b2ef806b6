#include "bench/load_client.h"

#include <deque>
#include <memory>
#include <optional>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <nlohmann/json.hpp>

namespace covalue::bench {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;

constexpr auto kMempoolFullPause = std::chrono::milliseconds(20);
constexpr size_t kNone = static_cast<size_t>(-1);

class Connection;

// What the connections of one Run share; everything runs on the one io thread.
struct RunState {
  net::io_context io;
  std::vector<Submission>* submissions = nullptr;
  std::vector<tcp::endpoint> endpoints;
  std::vector<std::deque<size_t>> queues;      // per node: released, not yet sent
  std::vector<std::vector<Connection*>> idle;  // per node: connections with nothing to send
  size_t unanswered = 0;
  LoadRunStats stats;

  // Queues a submission for its node and wakes an idle connection of that node.
  void Enqueue(size_t index);
  void Finish() {
    if (--unanswered == 0) io.stop();
  }
};

// One keep-alive connection to one node: sends the node's queued submissions one after
// another, and reopens itself when the server closes it.
class Connection {
 public:
  Connection(RunState& run, size_t node) : m_run(run), m_node(node), m_socket(run.io) {}

  Status Open() {
    boost::system::error_code ec;
    m_socket.connect(m_run.endpoints[m_node], ec);
    if (ec) {
      return Status(Code::kUnavailable,
                    "cannot connect to " + m_run.endpoints[m_node].address().to_string() + ":" +
                        std::to_string(m_run.endpoints[m_node].port()) + ": " + ec.message());
    }
    m_socket.set_option(tcp::no_delay(true), ec);
    return Status();
  }

  // Takes the next submission of its node, or waits in the idle list.
  void Next() {
    auto& queue = m_run.queues[m_node];
    if (queue.empty()) {
      m_run.idle[m_node].push_back(this);
      return;
    }
    m_current = queue.front();
    queue.pop_front();
    Submission& s = (*m_run.submissions)[m_current];
    if (s.sent == SteadyClock::time_point{}) {
      s.sent = SteadyClock::now();
      if (s.due_at == SteadyClock::time_point{}) s.due_at = s.sent;
    }
    net::async_write(
        m_socket, net::buffer(s.request), [this](boost::system::error_code ec, size_t) {
          if (ec) return Reopen();
          m_parser.emplace();
          m_parser->body_limit(1 << 20);
          http::async_read(m_socket, m_buffer, *m_parser,
                           [this](boost::system::error_code ec, size_t) { OnResponse(ec); });
        });
  }

 private:
  void OnResponse(boost::system::error_code ec) {
    if (ec) return Reopen();
    const auto& response = m_parser->get();
    Submission& s = (*m_run.submissions)[m_current];
    size_t index = m_current;
    m_current = kNone;
    int status = static_cast<int>(response.result_int());
    std::string code;
    if (status != 200 && status != 202) {
      auto body = nlohmann::json::parse(response.body(), nullptr, false);
      code = body.is_object() ? body.value("code", "") : "";
      if (code.empty()) code = "http_" + std::to_string(status);
    }
    if (code == "mempool_full") {
      ++m_run.stats.mempool_full_retries;
      auto timer = std::make_shared<net::steady_timer>(m_run.io, kMempoolFullPause);
      timer->async_wait(
          [this, timer, index](boost::system::error_code) { m_run.Enqueue(index); });
    } else {
      s.answered = SteadyClock::now();
      s.status = status;
      s.refusal = code;
      m_run.Finish();
    }
    if (!response.keep_alive()) return Reopen();
    Next();
  }

  // The server closed the connection (an idle timeout, or after an answer): open it again
  // and send what was in flight first.
  void Reopen() {
    ++m_run.stats.reconnects;
    boost::system::error_code ignored;
    m_socket.close(ignored);
    m_buffer.clear();
    if (m_current != kNone) {
      m_run.queues[m_node].push_front(m_current);
      m_current = kNone;
    }
    m_socket.async_connect(m_run.endpoints[m_node], [this](boost::system::error_code ec) {
      if (ec) {  // the node is gone: retry after a pause, never spin
        auto timer = std::make_shared<net::steady_timer>(m_run.io, std::chrono::milliseconds(100));
        timer->async_wait([this, timer](boost::system::error_code) { Reopen(); });
        return;
      }
      boost::system::error_code ignored_option;
      m_socket.set_option(tcp::no_delay(true), ignored_option);
      Next();
    });
  }

  RunState& m_run;
  size_t m_node;
  tcp::socket m_socket;
  boost::beast::flat_buffer m_buffer;
  std::optional<http::response_parser<http::string_body>> m_parser;
  size_t m_current = kNone;
};

void RunState::Enqueue(size_t index) {
  size_t node = (*submissions)[index].node;
  queues[node].push_back(index);
  if (!idle[node].empty()) {
    Connection* connection = idle[node].back();
    idle[node].pop_back();
    connection->Next();
  }
}

// Releases the submissions that are due (paced runs), then waits for the next one.
void ReleaseDue(RunState& run, net::steady_timer& timer, size_t next) {
  auto& subs = *run.submissions;
  const SteadyClock::time_point now = SteadyClock::now();
  while (next < subs.size() && run.stats.start + subs[next].due <= now) {
    subs[next].due_at = run.stats.start + subs[next].due;
    run.Enqueue(next++);
  }
  if (next == subs.size()) return;
  timer.expires_at(run.stats.start + subs[next].due);
  timer.async_wait([&run, &timer, next](boost::system::error_code ec) {
    if (!ec) ReleaseDue(run, timer, next);
  });
}

}  // namespace

std::string TxRequest(const ApiEndpoint& endpoint, const std::string& tx_hex) {
  std::string body = "{\"tx\":\"" + tx_hex + "\"}";
  return "POST /v1/tx HTTP/1.1\r\nHost: " + endpoint.host + ":" + std::to_string(endpoint.port) +
         "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
         "\r\n\r\n" + body;
}

LoadClient::LoadClient(std::vector<ApiEndpoint> endpoints, size_t connections_per_node)
    : m_endpoints(std::move(endpoints)), m_connections_per_node(connections_per_node) {}

Result<LoadRunStats> LoadClient::Run(std::vector<Submission>& submissions, bool paced) {
  RunState run;
  run.submissions = &submissions;
  for (const ApiEndpoint& e : m_endpoints) {
    boost::system::error_code ec;
    auto address = net::ip::make_address(e.host, ec);
    if (ec) {
      tcp::resolver resolver(run.io);
      auto results = resolver.resolve(e.host, std::to_string(e.port), ec);
      if (ec || results.empty()) return Status(Code::kUnavailable, "cannot resolve " + e.host);
      run.endpoints.push_back(*results.begin());
    } else {
      run.endpoints.emplace_back(address, e.port);
    }
  }
  run.queues.resize(m_endpoints.size());
  run.idle.resize(m_endpoints.size());
  run.unanswered = submissions.size();
  if (submissions.empty()) return run.stats;
  std::vector<std::unique_ptr<Connection>> connections;
  for (size_t node = 0; node < m_endpoints.size(); ++node) {
    for (size_t k = 0; k < m_connections_per_node; ++k) {
      connections.push_back(std::make_unique<Connection>(run, node));
      COVALUE_RETURN_IF_ERROR(connections.back()->Open());
      run.idle[node].push_back(connections.back().get());
    }
  }
  net::steady_timer release_timer(run.io);
  run.stats.start = SteadyClock::now();
  if (paced) {
    ReleaseDue(run, release_timer, 0);
  } else {
    for (size_t i = 0; i < submissions.size(); ++i) run.queues[submissions[i].node].push_back(i);
    for (auto& idle : run.idle) {
      std::vector<Connection*> starting;
      starting.swap(idle);
      for (Connection* connection : starting) connection->Next();
    }
  }
  run.io.run();
  release_timer.cancel();
  return run.stats;
}

}  // namespace covalue::bench
