// TESTING §3.7's wire level: a partner's client with a valid certificate
// speaks malformed or abusive HTTP/2 to the hub over a raw TLS connection
// (OpenSSL, ALPN h2): a rapid-reset flood (CVE-2023-44487), a CONTINUATION
// flood, an oversized frame, garbage after the preface, a broken header
// block, a SETTINGS and PING flood, and a stream-window overflow. After each,
// the hub must still answer an ordinary call from another partner, and the
// test process (the hub in it) must not have grown without bound. The last
// line printed is the suite's figures for docs/reliability.md.
#include <arpa/inet.h>
#include <malloc.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "tests/demo_hub_test.h"
#include "tests/process_stats.h"

// Under AddressSanitizer freed memory waits in a quarantine of up to
// 256 MiB, so the process's size says nothing about the hub's.
#if defined(__SANITIZE_ADDRESS__)
#define HUB_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HUB_TEST_ASAN 1
#endif
#endif
#ifdef HUB_TEST_ASAN
constexpr bool kMemoryMeasured = false;
#else
constexpr bool kMemoryMeasured = true;
#endif

namespace hub::testing {
namespace {

// HTTP/2 (RFC 9113) frame types and flags used here.
constexpr uint8_t kData = 0x0, kHeaders = 0x1, kRstStream = 0x3,
                  kSettings = 0x4, kPing = 0x6, kGoAway = 0x7,
                  kWindowUpdate = 0x8, kContinuation = 0x9;
constexpr uint8_t kEndStream = 0x1, kEndHeaders = 0x4;
constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// A big-endian 32-bit word.
std::string U32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>((v >> 16) & 0xff),
          static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)};
}

std::string Frame(uint8_t type, uint8_t flags, uint32_t stream,
                  const std::string& payload) {
  std::string f;
  const uint32_t n = static_cast<uint32_t>(payload.size());
  f.push_back(static_cast<char>((n >> 16) & 0xff));
  f.push_back(static_cast<char>((n >> 8) & 0xff));
  f.push_back(static_cast<char>(n & 0xff));
  f.push_back(static_cast<char>(type));
  f.push_back(static_cast<char>(flags));
  return f + U32(stream & 0x7fffffff) + payload;
}

// An HPACK literal header field without indexing, new name (RFC 7541
// §6.2.2), no Huffman coding; names and values under 127 bytes.
std::string Literal(const std::string& name, const std::string& value) {
  return std::string(1, '\0') + static_cast<char>(name.size()) + name +
         static_cast<char>(value.size()) + value;
}

// The header block of a gRPC call to WhoAmI.
std::string CallHeaders(uint16_t port) {
  return Literal(":method", "POST") + Literal(":scheme", "https") +
         Literal(":path", "/prevent.hub.v1.IdentityService/WhoAmI") +
         Literal(":authority", absl::StrCat("127.0.0.1:", port)) +
         Literal("content-type", "application/grpc") +
         Literal("te", "trailers");
}

// One TLS connection speaking raw HTTP/2 as `user`.
class RawConnection {
 public:
  RawConnection(const std::string& user, uint16_t port) {
    ctx_ = SSL_CTX_new(TLS_client_method());
    SSL_CTX_set_min_proto_version(ctx_, TLS1_2_VERSION);
    const std::string dir = CertsDir();
    ok_ = SSL_CTX_use_certificate_chain_file(
              ctx_, (dir + "/clients/" + user + ".pem").c_str()) == 1 &&
          SSL_CTX_use_PrivateKey_file(
              ctx_, (dir + "/clients/" + user + ".key").c_str(),
              SSL_FILETYPE_PEM) == 1 &&
          SSL_CTX_load_verify_locations(ctx_, (dir + "/ca.pem").c_str(),
                                        nullptr) == 1;
    SSL_CTX_set_verify(ctx_, SSL_VERIFY_PEER, nullptr);
    static const unsigned char kAlpn[] = {2, 'h', '2'};
    SSL_CTX_set_alpn_protos(ctx_, kAlpn, sizeof(kAlpn));
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    // Bounds on how long a write or read may wait for the hub, so a hub that
    // stops reading or answering ends the scenario instead of hanging it
    // (after some abuse the hub neither answers nor hangs up).
    timeval write_limit{10, 0}, read_limit{2, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &write_limit,
                 sizeof(write_limit));
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &read_limit, sizeof(read_limit));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    ok_ = ok_ &&
          ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    ssl_ = SSL_new(ctx_);
    SSL_set_fd(ssl_, fd_);
    SSL_set_tlsext_host_name(ssl_, "localhost");
    ok_ = ok_ && SSL_connect(ssl_) == 1;
    const unsigned char* alpn = nullptr;
    unsigned int alpn_length = 0;
    if (ok_) SSL_get0_alpn_selected(ssl_, &alpn, &alpn_length);
    ok_ = ok_ && alpn_length == 2 && alpn[0] == 'h' && alpn[1] == '2';
  }
  ~RawConnection() {
    if (ssl_ != nullptr) {
      SSL_shutdown(ssl_);
      SSL_free(ssl_);
    }
    if (fd_ >= 0) ::close(fd_);
    SSL_CTX_free(ctx_);
  }

  bool ok() const { return ok_; }

  // Sends `bytes`; false once the hub has closed the connection. Reads what
  // the hub has sent first, as a real client would, so neither side stalls
  // on a full socket buffer.
  bool Send(const std::string& bytes) {
    if (!ok_ || closed_) return false;
    Pump();
    size_t done = 0;
    while (done < bytes.size()) {
      const int n = SSL_write(ssl_, bytes.data() + done,
                              static_cast<int>(bytes.size() - done));
      if (n <= 0) {
        closed_ = true;
        return false;
      }
      done += static_cast<size_t>(n);
      sent_ += n;
    }
    return true;
  }

  // Waits until the hub has dealt with everything sent: it answers a PING
  // sent last (frames are handled in order), or hangs up. Then says goodbye
  // (GOAWAY, TLS close_notify).
  void Drain() {
    const std::string token = "drained!";
    if (Send(Frame(kPing, 0, 0, token))) {
      char buf[16384];
      while (!closed_ && goaway_ < 0 && !SawPingAck(token)) {
        const int n = SSL_read(ssl_, buf, sizeof(buf));
        if (n <= 0) {
          closed_ = true;
          break;
        }
        Received(buf, n);
      }
    }
    if (!closed_ && Send(Frame(kGoAway, 0, 0, U32(0) + U32(0)))) {
      SSL_shutdown(ssl_);
    }
  }

  int64_t sent() const { return sent_; }
  int64_t received() const { return received_; }
  bool closed() const { return closed_; }
  // The error code of the hub's GOAWAY (RFC 9113 §7), or -1 if none came.
  int goaway() const { return goaway_; }

 private:
  // Reads whatever has arrived, without waiting.
  void Pump() {
    char buf[16384];
    while (SSL_pending(ssl_) > 0 || HasInput()) {
      const int n = SSL_read(ssl_, buf, sizeof(buf));
      if (n <= 0) {
        closed_ = SSL_get_error(ssl_, n) != SSL_ERROR_WANT_READ;
        return;
      }
      Received(buf, n);
    }
  }
  // Counts what came and keeps the frames' headers in view: the PING
  // acknowledgements' payloads are remembered.
  void Received(const char* data, int n) {
    received_ += n;
    inbox_.append(data, static_cast<size_t>(n));
    size_t at = 0;
    while (inbox_.size() - at >= 9) {
      const auto* h = reinterpret_cast<const unsigned char*>(&inbox_[at]);
      const size_t length = (size_t{h[0]} << 16) | (size_t{h[1]} << 8) | h[2];
      if (inbox_.size() - at < 9 + length) break;
      if (h[3] == kPing && (h[4] & 0x1) && length == 8) {
        acks_.insert(inbox_.substr(at + 9, 8));
      }
      if (h[3] == kGoAway && length >= 8) {
        const auto* p = h + 9 + 4;
        goaway_ =
            static_cast<int>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16) |
                             (uint32_t{p[2]} << 8) | p[3]);
      }
      at += 9 + length;
    }
    inbox_.erase(0, at);
  }
  bool SawPingAck(const std::string& token) const {
    return acks_.count(token) > 0;
  }
  bool HasInput() const {
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, 0) > 0 && (p.revents & POLLIN);
  }

  SSL_CTX* ctx_ = nullptr;
  SSL* ssl_ = nullptr;
  int fd_ = -1;
  bool ok_ = false;
  bool closed_ = false;
  int64_t sent_ = 0;
  int64_t received_ = 0;
  std::string inbox_;           // received bytes not yet a whole frame
  std::set<std::string> acks_;  // payloads of PING acknowledgements
  int goaway_ = -1;             // the hub's GOAWAY error code, if it sent one
};

class Http2AbuseTest : public DemoHubTest {
 protected:
  // An ordinary call from another partner's user: does the hub serve?
  bool Serves() {
    api::WhoAmIRequest request;
    request.mutable_context()->set_purpose(pb::PREVENT_SCREENING);
    api::WhoAmIResponse response;
    grpc::ClientContext context;
    context.set_deadline(Deadline());
    return api::IdentityService::NewStub(ChannelOf("u-hokoro"))
        ->WhoAmI(&context, request, &response)
        .ok();
  }
};

TEST_F(Http2AbuseTest, TheHubSurvivesMalformedAndAbusiveHttp2) {
  signal(SIGPIPE, SIG_IGN);  // a write after the hub hangs up is an error
  mallopt(M_ARENA_MAX, 2);
  StartHub();
  ASSERT_TRUE(Serves());
  const uint16_t port = static_cast<uint16_t>(server_->port());
  const std::string settings = Frame(kSettings, 0, 0, "");
  const std::string open = std::string(kPreface) + settings;

  struct Scenario {
    std::string name;
    std::function<void(RawConnection&)> attack;
  };
  const std::vector<Scenario> scenarios = {
      {"rapid_reset",  // CVE-2023-44487: open and cancel streams at once
       [&](RawConnection& c) {
         std::string burst;
         for (uint32_t stream = 1; stream < 2 * 5000; stream += 2) {
           burst += Frame(kHeaders, kEndHeaders, stream, CallHeaders(port));
           burst += Frame(kRstStream, 0, stream, U32(8));  // CANCEL
           if (burst.size() > 64 * 1024) {
             if (!c.Send(burst)) return;
             burst.clear();
           }
         }
         c.Send(burst);
       }},
      {"continuation_flood",  // a header block that never ends
       [&](RawConnection& c) {
         if (!c.Send(Frame(kHeaders, 0, 1, CallHeaders(port)))) return;
         const std::string junk = Frame(
             kContinuation, 0, 1, Literal("x-junk", std::string(100, 'j')));
         std::string burst;
         for (int i = 0; i < 20000; ++i) {
           burst += junk;
           if (burst.size() > 64 * 1024) {
             if (!c.Send(burst)) return;
             burst.clear();
           }
         }
         c.Send(burst);
       }},
      {"oversized_frame",  // longer than SETTINGS_MAX_FRAME_SIZE
       [&](RawConnection& c) {
         c.Send(Frame(kData, 0, 1, std::string(1 << 20, 'd')));
       }},
      {"garbage",  // not HTTP/2 at all after the preface
       [&](RawConnection& c) {
         std::string junk;
         for (int i = 0; i < 100000; ++i) junk.push_back(static_cast<char>(i));
         c.Send(junk);
       }},
      {"bad_hpack",  // an index the tables do not have; a huge table update
       [&](RawConnection& c) {
         c.Send(Frame(kHeaders, kEndHeaders | kEndStream, 1,
                      std::string("\xff\xff\xff\xff\x0f", 5)));
         c.Send(Frame(kHeaders, kEndHeaders | kEndStream, 3,
                      std::string("\x3f\xff\xff\xff\xff\x0f", 6)));
       }},
      {"settings_and_ping_flood",  // each asks for an acknowledgement
       [&](RawConnection& c) {
         std::string burst;
         for (int i = 0; i < 20000; ++i) {
           burst += Frame(kSettings, 0, 0, "");
           burst += Frame(kPing, 0, 0, std::string(8, static_cast<char>(i)));
           if (burst.size() > 64 * 1024) {
             if (!c.Send(burst)) return;
             burst.clear();
           }
         }
         c.Send(burst);
       }},
      {"window_overflow",  // flow-control windows past 2^31 - 1
       [&](RawConnection& c) {
         c.Send(Frame(kHeaders, kEndHeaders, 1, CallHeaders(port)));
         for (int i = 0; i < 4; ++i) {
           c.Send(Frame(kWindowUpdate, 0, 1, U32(0x7fffffff)));
           c.Send(Frame(kWindowUpdate, 0, 0, U32(0x7fffffff)));
         }
       }},
  };

  // Four rounds: the first two grow the allocator's pools (the first rapid
  // resets by ~90 MiB, ~20 KiB a stream); the last two must not grow the
  // process by as much again, as a leak of that size per stream would (the
  // floods still move it by up to ~35 MiB either way). Two malloc arenas,
  // so that the pools stop growing soon.
  const int64_t rss_before = RssKib();
  int64_t rss_after_first = 0;
  int64_t bytes_sent = 0, bytes_back = 0;
  int served_after = 0, hung_up = 0;
  std::string per_scenario;
  constexpr int kRounds = 4;
  for (int round = 1; round <= kRounds; ++round) {
    for (const Scenario& s : scenarios) {
      SCOPED_TRACE(absl::StrCat(s.name, ", round ", round));
      const auto began = std::chrono::steady_clock::now();
      int64_t attack_ms = 0;
      int goaway = -1;
      {
        RawConnection c("u-drwhit", port);
        ASSERT_TRUE(c.ok()) << "TLS with ALPN h2 failed";
        ASSERT_TRUE(c.Send(open));
        s.attack(c);
        attack_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - began)
                        .count();
        c.Drain();
        goaway = c.goaway();
        bytes_back += c.received();
        bytes_sent += c.sent();
        hung_up += c.closed();
      }
      const bool serves = Serves();
      served_after += serves;
      EXPECT_TRUE(serves) << "the hub stopped serving after " << s.name;
      absl::StrAppend(&per_scenario, " ", s.name, round,
                      "={attack_ms=", attack_ms, " goaway=", goaway, " ms=",
                      std::chrono::duration_cast<std::chrono::milliseconds>(
                          std::chrono::steady_clock::now() - began)
                          .count(),
                      " rss_kib=", RssKib(), " served=", serves ? 1 : 0, "}");
    }
    if (round == 2) rss_after_first = RssKib();
  }
  const int64_t rss_after = RssKib();
  if (kMemoryMeasured) {
    EXPECT_LT(rss_after - rss_after_first, 64 * 1024)
        << "RSS grew by " << rss_after - rss_after_first
        << " KiB in rounds 3 and 4";
  }
  std::fprintf(stderr,
               "http2 abuse: scenarios=%zu rounds=%d served_after=%d "
               "bytes_sent=%lld bytes_back=%lld hung_up_mid_attack=%d "
               "rss_kib_before=%lld rss_kib_after_round2=%lld "
               "rss_kib_after=%lld%s\n",
               scenarios.size(), kRounds, served_after,
               static_cast<long long>(bytes_sent),
               static_cast<long long>(bytes_back), hung_up,
               static_cast<long long>(rss_before),
               static_cast<long long>(rss_after_first),
               static_cast<long long>(rss_after), per_scenario.c_str());
}

}  // namespace
}  // namespace hub::testing
