// What identifying the caller costs on every call (decision 0002): the whole
// PeerIdentity::Authenticate, and its parts, on certificates that
// certs/make_certs.sh made (bench/run.sh passes the directory).
//   identity_bench CERTS_DIR POLICY_FILE [benchmark flags]
#include <benchmark/benchmark.h>

#include <cstdio>
#include <memory>

#include "common/clock.h"
#include "common/file_util.h"
#include "common/revocation_list.h"
#include "common/x509_certificate.h"
#include "hub/service/peer_identity.h"
#include "policy/policy.h"

namespace {

struct Fixture {
  std::string cert_pem;
  std::string spiffe_id;
  std::shared_ptr<const hub::policy::Policy> policy;
  std::unique_ptr<hub::service::PeerIdentity> identity;
};

Fixture* fixture = nullptr;

void BM_Authenticate(benchmark::State& state) {
  for (auto _ : state) {
    auto peer = fixture->identity->Authenticate(fixture->cert_pem);
    benchmark::DoNotOptimize(peer);
  }
}
BENCHMARK(BM_Authenticate);

void BM_ParseCertificatePem(benchmark::State& state) {
  for (auto _ : state) {
    auto cert = hub::common::X509Certificate::FromPem(fixture->cert_pem);
    benchmark::DoNotOptimize(cert);
  }
}
BENCHMARK(BM_ParseCertificatePem);

void BM_FindPrincipalBySpiffeId(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(
        fixture->policy->FindPrincipalBySpiffeId(fixture->spiffe_id));
  }
}
BENCHMARK(BM_FindPrincipalBySpiffeId);

int Setup(const std::string& certs, const std::string& policy_file) {
  auto policy = hub::policy::Policy::Load(policy_file, absl::Now());
  auto cert = hub::common::ReadFile(certs + "/clients/u-hokoro.pem");
  auto ca = hub::common::ReadFile(certs + "/ca.pem");
  auto crl = hub::common::ReadFile(certs + "/crl.pem");
  if (!policy.ok() || !cert.ok() || !ca.ok() || !crl.ok()) {
    std::fprintf(stderr, "identity_bench: cannot load %s or %s\n",
                 certs.c_str(), policy_file.c_str());
    return 1;
  }
  auto ca_cert = hub::common::X509Certificate::FromPem(*ca);
  auto list = hub::common::RevocationList::FromPem(*crl, *ca_cert);
  auto parsed = hub::common::X509Certificate::FromPem(*cert);
  if (!list.ok() || !parsed.ok() || parsed->uri_sans().empty()) {
    std::fprintf(stderr, "identity_bench: bad certificates in %s\n",
                 certs.c_str());
    return 1;
  }
  fixture = new Fixture;
  fixture->cert_pem = *cert;
  fixture->spiffe_id = parsed->uri_sans().front();
  fixture->policy = std::move(policy).value();
  fixture->identity = std::make_unique<hub::service::PeerIdentity>(
      std::make_shared<const hub::common::X509Certificate>(
          std::move(ca_cert).value()),
      fixture->policy,
      std::make_shared<const hub::common::RevocationList>(
          std::move(list).value()),
      hub::common::Clock::Real());
  if (!fixture->identity->Authenticate(fixture->cert_pem).ok()) {
    std::fprintf(
        stderr, "identity_bench: the test certificate does not authenticate\n");
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(
        stderr,
        "usage: identity_bench CERTS_DIR POLICY_FILE [benchmark flags]\n");
    return 1;
  }
  if (Setup(argv[1], argv[2]) != 0) return 1;
  argv[2] = argv[0];
  int rest = argc - 2;
  benchmark::Initialize(&rest, argv + 2);
  benchmark::RunSpecifiedBenchmarks();
  return 0;
}
