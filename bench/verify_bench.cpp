// verify_bench — SAML Response verifications per second on one core, beside the
// same machine's raw RSA-2048 verify rate and a bare libxml2 + xmlsec verify loop
// (issue 3, "Benchmark"). Run by hand: build/bench/verify_bench [seconds-per-case] [rounds]
// The bare/verify ratios are measured interleaved, `rounds` times (default 5).
//
// The response is a typical IdP response: ~6 KB, signed assertion (RSA-SHA256,
// exc-c14n, X509Data in KeyInfo), 8 attributes, posted as base64.
//
// Profiling (instruction counts are stable on a noisy machine; bench/README.md):
//   valgrind --tool=callgrind build/bench/verify_bench --profile verify 200
//   valgrind --tool=callgrind build/bench/verify_bench --profile bare 200
// runs only that loop, N times, with no timing.
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/sign.hpp>
#include <ssogate/saml/verify.hpp>

#include <libxml/parser.h>
#include <libxml/valid.h>
#include <xmlsec/crypto.h>
#include <xmlsec/openssl/evp.h>
#include <xmlsec/xmldsig.h>
#include <xmlsec/xmltree.h>

#include <openssl/evp.h>
#include <openssl/pem.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <linux/perf_event.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

namespace saml = ssogate::saml;
using clock_type = std::chrono::steady_clock;

namespace {

std::string read(std::string const& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw std::runtime_error("cannot read " + path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

std::string key_path(char const* file)
{
    return std::string(SSOGATE_SOURCE_DIR) + "/tests/data/saml/keys/" + file;
}

std::string base64(std::string const& in)
{
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int const n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

std::string attribute(std::string const& name, std::initializer_list<std::string> values)
{
    std::string a = "<saml:Attribute Name=\"" + name +
                    "\" NameFormat=\"urn:oasis:names:tc:SAML:2.0:attrname-format:uri\">";
    for (auto const& v : values)
        a += "<saml:AttributeValue xsi:type=\"xs:string\">" + v + "</saml:AttributeValue>";
    return a + "</saml:Attribute>";
}

std::string typical_response()
{
    std::string const claims = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/";
    std::string attrs = attribute(claims + "emailaddress", {"alice.liddell@example.com"}) +
                        attribute(claims + "givenname", {"Alice"}) + attribute(claims + "surname", {"Liddell"}) +
                        attribute(claims + "name", {"Alice Liddell"}) +
                        attribute("http://schemas.microsoft.com/identity/claims/objectidentifier",
                                  {"5d6a2f0e-2b8c-4e55-9a0b-7f1d3c2e9a41"}) +
                        attribute("http://schemas.microsoft.com/ws/2008/06/identity/claims/groups",
                                  {"engineering", "acme:platform", "acme:oncall", "sso-admins", "vpn-users",
                                   "github-org-members", "jira-users", "confluence-users"}) +
                        attribute("http://schemas.microsoft.com/ws/2008/06/identity/claims/role", {"editor"}) +
                        attribute("department", {"Research &amp; Development"});
    std::string assertion =
        "<saml:Assertion ID=\"_a75adf55-01d7-40cc-929f-dbd8372ebdfc\" Version=\"2.0\" IssueInstant=\"2026-01-01T00:00:00Z\">"
        "<saml:Issuer>https://idp.example.test/metadata</saml:Issuer><saml:Subject>"
        "<saml:NameID Format=\"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress\">alice.liddell@example.com</saml:NameID>"
        "<saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\"><saml:SubjectConfirmationData "
        "InResponseTo=\"_req-6c1f\" NotOnOrAfter=\"2026-01-01T00:05:00Z\" Recipient=\"https://sp.example.test/sso/acs/okta\"/>"
        "</saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore=\"2025-12-31T23:59:00Z\" "
        "NotOnOrAfter=\"2026-01-01T00:05:00Z\"><saml:AudienceRestriction><saml:Audience>https://sp.example.test/saml"
        "</saml:Audience></saml:AudienceRestriction></saml:Conditions><saml:AuthnStatement "
        "AuthnInstant=\"2025-12-31T23:59:50Z\" SessionIndex=\"_be9967abd904ddcae3c0eb4189adbe3f71e327cf93\">"
        "<saml:AuthnContext><saml:AuthnContextClassRef>urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"
        "</saml:AuthnContextClassRef></saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>" +
        attrs + "</saml:AttributeStatement></saml:Assertion>";
    return "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
           "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" xmlns:xs=\"http://www.w3.org/2001/XMLSchema\" "
           "xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\" ID=\"_r-0a1b2c3d4e5f\" Version=\"2.0\" "
           "IssueInstant=\"2026-01-01T00:00:00Z\" Destination=\"https://sp.example.test/sso/acs/okta\" "
           "InResponseTo=\"_req-6c1f\"><saml:Issuer>https://idp.example.test/metadata</saml:Issuer>"
           "<samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/></samlp:Status>" +
           assertion + "</samlp:Response>";
}

// Runs `f` repeatedly for about `seconds` seconds; returns calls per second.
double rate(char const* name, double seconds, std::function<bool()> const& f)
{
    for (int i = 0; i < 20; ++i) // warm up
        if (!f())
            throw std::runtime_error(std::string(name) + ": failed");
    long long n = 0;
    auto const start = clock_type::now();
    auto const until = start + std::chrono::duration<double>(seconds);
    clock_type::time_point t;
    do {
        for (int i = 0; i < 10; ++i)
            if (!f())
                throw std::runtime_error(std::string(name) + ": failed");
        n += 10;
        t = clock_type::now();
    } while (t < until);
    double const r = static_cast<double>(n) / std::chrono::duration<double>(t - start).count();
    std::printf("%-48s %10.0f /s  (%8.1f us each)\n", name, r, 1e6 / r);
    return r;
}

/// This thread's CPU time in seconds (not advanced while other processes hold the core).
double thread_cpu_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

/// User-space instructions retired by this thread (perf_event_open), when available.
class instruction_counter {
public:
    instruction_counter()
    {
        perf_event_attr attr{};
        attr.type = PERF_TYPE_HARDWARE;
        attr.size = sizeof attr;
        attr.config = PERF_COUNT_HW_INSTRUCTIONS;
        attr.exclude_kernel = 1;
        attr.exclude_hv = 1;
        fd_ = static_cast<int>(syscall(SYS_perf_event_open, &attr, 0, -1, -1, 0));
        if (fd_ >= 0 && read() == 0) { // a counter that never counts (some hypervisors)
            ::close(fd_);
            fd_ = -1;
        }
    }
    ~instruction_counter()
    {
        if (fd_ >= 0)
            ::close(fd_);
    }
    instruction_counter(instruction_counter const&) = delete;
    instruction_counter& operator=(instruction_counter const&) = delete;

    bool available() const noexcept { return fd_ >= 0; }
    std::uint64_t read() const noexcept
    {
        std::uint64_t v = 0;
        if (fd_ < 0 || ::read(fd_, &v, sizeof v) != static_cast<ssize_t>(sizeof v))
            return 0;
        return v;
    }

private:
    int fd_ = -1;
};

double median(std::vector<double> v)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

std::string cpu_model()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("model name", 0) == 0)
            return line.substr(line.find(':') + 2);
    return "unknown";
}

} // namespace

int main(int argc, char** argv)
{
    // --profile verify|bare N: run one loop N times, untimed (for callgrind / perf).
    std::string const profile = argc > 3 && std::string(argv[1]) == "--profile" ? argv[2] : "";
    int const profile_runs = profile.empty() ? 0 : std::atoi(argv[3]);
    double const seconds = profile.empty() && argc > 1 ? std::atof(argv[1]) : 3.0;
    int const rounds = profile.empty() && argc > 2 ? std::max(1, std::atoi(argv[2])) : 5;
    saml::library_guard guard;

    auto const key = saml::private_key::from_pem(read(key_path("idp.key")));
    auto const cert = saml::certificate::from_pem(read(key_path("idp.crt")));
    if (!key || !cert)
        throw std::runtime_error("cannot load the test keys");
    saml::sign_options options;
    options.key_info = saml::key_info_content::x509_certificate;
    options.cert = *cert;
    auto const signed_xml = saml::sign_element(typical_response(), "_a75adf55-01d7-40cc-929f-dbd8372ebdfc", *key, options);
    if (!signed_xml)
        throw std::runtime_error("signing failed");
    std::string const form_value = base64(*signed_xml);

    saml::idp_trust const trust{"https://idp.example.test/metadata", {*cert}};
    saml::sp_options sp;
    sp.entity_id = "https://sp.example.test/saml";
    sp.acs_url = "https://sp.example.test/sso/acs/okta";
    auto const expected = saml::response_expectation::solicited("_req-6c1f");
    auto const now = *saml::parse_saml_time("2026-01-01T00:00:00Z");

#ifdef NDEBUG
    char const* build = "optimised (NDEBUG)";
#else
    char const* build = "not NDEBUG (assertions on)";
#endif
    std::printf("CPU: %s, %u hardware threads, build: %s\n", cpu_model().c_str(),
                std::thread::hardware_concurrency(), build);
    std::printf("%s\nresponse: %zu bytes of XML, %zu bytes of base64, 8 attributes, RSA-2048 / SHA-256\n\n",
                saml::library_guard::versions().c_str(), signed_xml->size(), form_value.size());

    // 1. raw RSA-2048 PKCS#1 v1.5 SHA-256 verify of a 32-byte-digest message.
    EVP_PKEY* pub = nullptr;
    {
        std::string const pem = read(key_path("idp.crt"));
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        X509* x = PEM_read_bio_X509(bio, nullptr, nullptr, nullptr);
        pub = X509_get_pubkey(x);
        X509_free(x);
        BIO_free(bio);
    }
    std::string const message = "SignedInfo stand-in: the bytes RSA verifies";
    std::string sig(256, '\0');
    {
        std::string const pem = read(key_path("idp.key"));
        BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
        EVP_PKEY* priv = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        std::size_t len = sig.size();
        EVP_DigestSignInit(ctx, nullptr, EVP_sha256(), nullptr, priv);
        EVP_DigestSign(ctx, reinterpret_cast<unsigned char*>(sig.data()), &len,
                       reinterpret_cast<unsigned char const*>(message.data()), message.size());
        EVP_MD_CTX_free(ctx);
        EVP_PKEY_free(priv);
        BIO_free(bio);
    }
    // 2. The least a correct xmlsec user must do: parse, register the ID, verify.
    std::function<bool()> const bare_verify = [&] {
        xmlDocPtr doc = xmlReadMemory(signed_xml->data(), static_cast<int>(signed_xml->size()), nullptr, nullptr,
                                      XML_PARSE_NONET);
        if (doc == nullptr)
            return false;
        xmlChar const* ids[] = {BAD_CAST "ID", nullptr};
        xmlSecAddIDs(doc, xmlDocGetRootElement(doc), ids);
        xmlNodePtr node = xmlSecFindNode(xmlDocGetRootElement(doc), xmlSecNodeSignature, xmlSecDSigNs);
        xmlSecDSigCtxPtr ctx = xmlSecDSigCtxCreate(nullptr);
        EVP_PKEY_up_ref(pub);
        xmlSecKeyPtr k = xmlSecKeyCreate();
        xmlSecKeySetValue(k, xmlSecOpenSSLEvpKeyAdopt(pub));
        ctx->signKey = k;
        ctx->enabledReferenceUris = xmlSecTransformUriTypeSameDocument;
        bool const ok = xmlSecDSigCtxVerify(ctx, node) == 0 && ctx->status == xmlSecDSigStatusSucceeded;
        xmlSecDSigCtxDestroy(ctx);
        xmlFreeDoc(doc);
        return ok;
    };
    // 3. ssogate's verifier, from the form value to the verified assertion.
    std::function<bool()> const full_verify = [&] {
        return saml::verify_response(form_value, trust, sp, expected, now).has_value();
    };
    if (!profile.empty()) {
        auto const& f = profile == "bare" ? bare_verify : full_verify;
        for (int i = 0; i < profile_runs; ++i)
            if (!f())
                throw std::runtime_error("verification failed");
        std::printf("%d runs of %s\n", profile_runs, profile == "bare" ? "bare" : "verify");
        EVP_PKEY_free(pub);
        return 0;
    }

    double const raw = rate("OpenSSL RSA-2048 SHA-256 verify", seconds, [&] {
        EVP_MD_CTX* ctx = EVP_MD_CTX_new();
        bool const ok = EVP_DigestVerifyInit(ctx, nullptr, EVP_sha256(), nullptr, pub) == 1 &&
                        EVP_DigestVerify(ctx, reinterpret_cast<unsigned char const*>(sig.data()), sig.size(),
                                         reinterpret_cast<unsigned char const*>(message.data()), message.size()) == 1;
        EVP_MD_CTX_free(ctx);
        return ok;
    });

    double const bare = rate("bare libxml2 parse + xmlsec verify", seconds, bare_verify);
    double const full = rate("saml::verify_response (base64 -> assertion)", seconds, full_verify);

    // The same two loops interleaved in short slices, so that a neighbour's load (this
    // machine is shared) falls on both alike: the ratios to trust on a noisy machine.
    // Three clocks per slice: wall time, this thread's CPU time (not charged while the
    // neighbours run), and user-space instructions when the kernel exposes a hardware
    // counter (virtual machines often do not: then use callgrind, bench/README.md).
    instruction_counter instructions;
    struct totals {
        double wall = 0, cpu = 0;
        std::uint64_t instructions = 0;
        long long n = 0;
    };
    auto const slice = [&](std::function<bool()> const& f, totals& t) {
        auto const wall0 = clock_type::now();
        double const cpu0 = thread_cpu_seconds();
        std::uint64_t const ins0 = instructions.read();
        for (int i = 0; i < 20; ++i)
            if (!f())
                throw std::runtime_error("verification failed");
        t.instructions += instructions.read() - ins0;
        t.cpu += thread_cpu_seconds() - cpu0;
        t.wall += std::chrono::duration<double>(clock_type::now() - wall0).count();
        t.n += 20;
    };
    std::printf("\ninterleaved bare / verify_response, %d rounds of %.1f s (ratio = verify_response rate / bare "
                "rate; target >= 0.9)\n",
                rounds, 2 * seconds);
    std::vector<double> wall_ratios, cpu_ratios, instruction_ratios;
    for (int round = 0; round < rounds; ++round) {
        totals bare_t, full_t;
        for (auto const until = clock_type::now() + std::chrono::duration<double>(2 * seconds);
             clock_type::now() < until;) {
            slice(bare_verify, bare_t);
            slice(full_verify, full_t);
        }
        double const n_bare = static_cast<double>(bare_t.n), n_full = static_cast<double>(full_t.n);
        wall_ratios.push_back((bare_t.wall / n_bare) / (full_t.wall / n_full));
        cpu_ratios.push_back((bare_t.cpu / n_bare) / (full_t.cpu / n_full));
        std::printf("  round %d: CPU %6.1f / %6.1f us  ratio %.3f | wall %6.1f / %6.1f us  ratio %.3f", round + 1,
                    1e6 * bare_t.cpu / n_bare, 1e6 * full_t.cpu / n_full, cpu_ratios.back(),
                    1e6 * bare_t.wall / n_bare, 1e6 * full_t.wall / n_full, wall_ratios.back());
        if (instructions.available()) {
            instruction_ratios.push_back((static_cast<double>(bare_t.instructions) / n_bare) /
                                         (static_cast<double>(full_t.instructions) / n_full));
            std::printf(" | instructions %.0f k / %.0f k  ratio %.3f",
                        static_cast<double>(bare_t.instructions) / n_bare / 1e3,
                        static_cast<double>(full_t.instructions) / n_full / 1e3, instruction_ratios.back());
        }
        std::printf("\n");
        std::fflush(stdout);
    }
    std::printf("  median: CPU-time ratio %.3f, wall-time ratio %.3f, instruction ratio %s\n", median(cpu_ratios),
                median(wall_ratios),
                instructions.available() ? std::to_string(median(instruction_ratios)).substr(0, 5).c_str()
                                         : "n/a (no hardware counter here: callgrind, bench/README.md)");

    std::printf("\nverify_response / raw RSA verify  = %.3f (%.1f%% of the RSA ceiling)\n", full / raw,
                100.0 * full / raw);
    std::printf("verify_response / bare xmlsec     = %.3f (separate runs; interleaved CPU-time median: %.3f)\n",
                full / bare, median(cpu_ratios));
    std::printf("bare xmlsec     / raw RSA verify  = %.3f\n", bare / raw);
    EVP_PKEY_free(pub);
    return 0;
}
