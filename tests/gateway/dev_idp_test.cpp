#include <ssogate/gateway/dev_idp.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/startup_error.hpp>
#include <ssogate/gateway/tls.hpp>
#include <ssogate/saml/authn_request.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/saml/metadata.hpp>
#include <ssogate/saml/verify.hpp>

#include "support/tls_client.hpp"
#include "temp_dir.hpp"

#include <sys/stat.h>

#include <sstream>

using namespace ssogate;
using namespace ssogate::gateway;
using namespace std::chrono_literals;

namespace {

constexpr char sp_entity[] = "https://127.0.0.1:8443/sso/metadata";
constexpr char acs[] = "https://127.0.0.1:8443/sso/acs/dev";

std::chrono::system_clock::time_point now()
{
    return *saml::parse_saml_time("2026-03-01T10:00:00Z");
}

/// A signing pair generated once for the whole test run (RSA generation is slow).
dev_idp::signing_keys const& shared_keys()
{
    static saml::library_guard const guard;
    static test::temp_dir const dir;
    static dev_idp::signing_keys const keys = dev_idp::ensure_signing_keys(dir.path(), now());
    return keys;
}

dev_idp::response_input sample_input()
{
    dev_idp::response_input in;
    in.idp_entity_id = "https://127.0.0.1:9443/metadata";
    in.sp_entity_id = sp_entity;
    in.acs_url = acs;
    in.in_response_to = "_req0123456789abcdef";
    in.user = {"alice@example.com", "Alice Example", {"engineering", "acme:platform"}, "editor"};
    in.now = now();
    in.response_id = "_resp01";
    in.assertion_id = "_assert01";
    in.session_index = "_sess01";
    return in;
}

saml::sp_options sp(std::string acs_url = acs)
{
    saml::sp_options o;
    o.entity_id = sp_entity;
    o.acs_url = std::move(acs_url);
    o.want_assertions_signed = true;
    return o;
}

saml::idp_trust trust() { return {"https://127.0.0.1:9443/metadata", {shared_keys().cert}}; }

/// Deterministic random source: 0x00, 0x01, 0x02, ...
random_fn counting_random()
{
    auto counter = std::make_shared<std::atomic<unsigned>>(0);
    return [counter](std::span<std::byte> out) {
        for (auto& b : out)
            b = static_cast<std::byte>(counter->fetch_add(1));
    };
}

dev_idp::identity_provider make_idp()
{
    return dev_idp::identity_provider({"https://127.0.0.1:9443", "", {acs}, sp_entity}, shared_keys(),
                                      fixed_clock(now()), counting_random());
}

std::string authn_request_query(std::string const& acs_url, std::string const& relay = "")
{
    saml::authn_request r;
    r.id = "_req0123456789abcdef";
    r.issue_instant = now();
    r.destination = "https://127.0.0.1:9443/sso";
    r.acs_url = acs_url;
    r.sp_entity_id = sp_entity;
    auto url = saml::redirect_url(r, relay);
    REQUIRE(url.has_value());
    return url->substr(url->find('?'));
}

http_request get(std::string target)
{
    http_request r;
    r.method = http_method::get;
    r.target = std::move(target);
    return r;
}

std::string between(std::string const& s, std::string const& from, std::string const& to)
{
    auto a = s.find(from);
    REQUIRE(a != std::string::npos);
    a += from.size();
    auto b = s.find(to, a);
    REQUIRE(b != std::string::npos);
    return s.substr(a, b - a);
}

struct cli_run {
    int exit_code;
    std::string out;
    std::string err;
};

cli_run run(std::vector<std::string> args)
{
    args.insert(args.begin(), "ssogate");
    std::vector<char const*> argv;
    for (auto const& a : args)
        argv.push_back(a.c_str());
    static constexpr command_group groups[] = {add_dev_idp_command};
    std::ostringstream out, err;
    int rc = run_cli(static_cast<int>(argv.size()), argv.data(), groups, out, err);
    return {rc, out.str(), err.str()};
}

} // namespace

TEST_CASE("dev-idp's response passes saml::verify_response with its certificate, the SP entity, the ACS and InResponseTo",
          "[gateway][dev_idp]")
{
    auto const& keys = shared_keys();
    auto xml = dev_idp::build_response_xml(sample_input(), keys.key, keys.cert);
    REQUIRE(xml.has_value());
    auto v = saml::verify_response_xml(*xml, trust(), sp(), saml::response_expectation::solicited("_req0123456789abcdef"),
                                       now() + 10s);
    INFO((v ? std::string() : v.error().detail));
    REQUIRE(v.has_value());
    CHECK(v->assertion_signed);
    CHECK(v->response_signed);
    CHECK(v->name_id == "alice@example.com");
    CHECK(v->name_id_format == dev_idp::name_id_format_email);
    CHECK(v->session_index == "_sess01");
    CHECK(v->in_response_to == "_req0123456789abcdef");
    CHECK(v->values_of("email") == std::vector<std::string>{"alice@example.com"});
    CHECK(v->values_of("displayName") == std::vector<std::string>{"Alice Example"});
    CHECK(v->values_of("givenName") == std::vector<std::string>{"Alice"});
    CHECK(v->values_of("groups") == std::vector<std::string>{"engineering", "acme:platform"});
    CHECK(v->values_of("role") == std::vector<std::string>{"editor"});
    CHECK(v->not_on_or_after == now() + 5min);
}

TEST_CASE("dev-idp's response is refused for another request ID, another ACS, or after NotOnOrAfter", "[gateway][dev_idp]")
{
    auto const& keys = shared_keys();
    auto xml = dev_idp::build_response_xml(sample_input(), keys.key, keys.cert);
    REQUIRE(xml.has_value());
    auto const expect = saml::response_expectation::solicited("_req0123456789abcdef");
    CHECK_FALSE(
        saml::verify_response_xml(*xml, trust(), sp(), saml::response_expectation::solicited("_other"), now()).has_value());
    CHECK_FALSE(
        saml::verify_response_xml(*xml, trust(), sp("https://127.0.0.1:8443/sso/acs/other"), expect, now()).has_value());
    auto late = sp();
    late.clock_skew = 0s;
    CHECK_FALSE(saml::verify_response_xml(*xml, trust(), late, expect, now() + 5min).has_value());
    CHECK(saml::verify_response_xml(*xml, trust(), late, expect, now() + 5min - 1s).has_value());
}

TEST_CASE("dev-idp builds an unsolicited response without InResponseTo and escapes typed text", "[gateway][dev_idp]")
{
    auto const& keys = shared_keys();
    auto in = sample_input();
    in.in_response_to.clear();
    in.user.display_name = "Bob <b>&amp; \"Co\"";
    auto xml = dev_idp::build_response_xml(in, keys.key, keys.cert);
    REQUIRE(xml.has_value());
    CHECK(xml->find("InResponseTo") == std::string::npos);
    auto unsolicited = sp();
    unsolicited.allow_unsolicited = true;
    auto v = saml::verify_response_xml(*xml, trust(), unsolicited, saml::response_expectation::unsolicited(), now());
    REQUIRE(v.has_value());
    CHECK(v->values_of("displayName") == std::vector<std::string>{"Bob <b>&amp; \"Co\""});
}

TEST_CASE("dev-idp allows only the configured ACS URLs", "[gateway][dev_idp]")
{
    std::vector<std::string> const allowed{acs};
    CHECK(dev_idp::acs_allowed(acs, allowed));
    CHECK_FALSE(dev_idp::acs_allowed("https://evil.example/acs", allowed));
    CHECK_FALSE(dev_idp::acs_allowed("https://127.0.0.1:8443/sso/acs/dev/", allowed));
    CHECK_FALSE(dev_idp::acs_allowed("", allowed));

    saml::library_guard guard;
    auto idp = make_idp();
    auto res = idp.handle(get("/sso" + authn_request_query("https://evil.example/acs")));
    CHECK(res.status == 403);
    CHECK(res.body.find("evil.example") != std::string::npos);
    CHECK(res.body.find("<form") == std::string::npos);

    auto foreign = idp.handle(get("/idp-initiated?acs=https%3A%2F%2Fevil.example%2Facs"));
    CHECK(foreign.status == 403);
}

TEST_CASE("dev-idp knows loopback addresses", "[gateway][dev_idp]")
{
    CHECK(dev_idp::is_loopback_host("127.0.0.1"));
    CHECK(dev_idp::is_loopback_host("127.3.2.1"));
    CHECK(dev_idp::is_loopback_host("::1"));
    CHECK(dev_idp::is_loopback_host("[::1]"));
    CHECK(dev_idp::is_loopback_host("localhost"));
    CHECK_FALSE(dev_idp::is_loopback_host("0.0.0.0"));
    CHECK_FALSE(dev_idp::is_loopback_host("::"));
    CHECK_FALSE(dev_idp::is_loopback_host("192.0.2.1"));
    CHECK_FALSE(dev_idp::is_loopback_host("128.0.0.1"));
    CHECK_FALSE(dev_idp::is_loopback_host("example.com"));
}

TEST_CASE("ssogate dev-idp refuses 0.0.0.0 and 192.0.2.1 without --force-non-loopback", "[gateway][dev_idp][cli]")
{
    test::temp_dir dir;
    for (std::string host : {"0.0.0.0:0", "192.0.2.1:0", "[::]:0"}) {
        auto r = run({"dev-idp", "--listen", host, "--data-dir", (dir / "d").string()});
        INFO(host << ": " << r.err);
        CHECK(r.exit_code == exit_usage);
        CHECK(r.err.find("--force-non-loopback") != std::string::npos);
        CHECK_FALSE(std::filesystem::exists(dir / "d")); // refused before touching anything
    }
}

TEST_CASE("dev-idp metadata parses with saml's IdP metadata parser", "[gateway][dev_idp]")
{
    saml::library_guard guard;
    auto idp = make_idp();
    auto res = idp.handle(get("/metadata"));
    CHECK(res.status == 200);
    CHECK(res.headers.get("Content-Type") == "application/samlmetadata+xml");
    auto md = saml::parse_idp_metadata(res.body);
    REQUIRE(md.has_value());
    CHECK(md->entity_id == "https://127.0.0.1:9443/metadata");
    CHECK(md->sso_url(saml::binding_http_redirect) == "https://127.0.0.1:9443/sso");
    REQUIRE(md->signing_certs.size() == 1);
    CHECK(md->signing_certs.front() == shared_keys().cert);
    CHECK(md->name_id_formats == std::vector<std::string>{std::string(dev_idp::name_id_format_email)});
}

TEST_CASE("dev-idp creates its signing pair once (key mode 0600) and reuses it", "[gateway][dev_idp]")
{
    saml::library_guard guard;
    test::temp_dir dir;
    auto first = dev_idp::ensure_signing_keys(dir / "data", now());
    CHECK(first.generated);
    CHECK(first.key.type() == saml::private_key::kind::rsa);
    CHECK(first.key.bits() == 2048);
    struct stat st{};
    REQUIRE(::stat(first.key_file.c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
    auto second = dev_idp::ensure_signing_keys(dir / "data", now() + 24h);
    CHECK_FALSE(second.generated);
    CHECK(second.cert == first.cert);
    CHECK(second.key.matches(first.cert));
}

TEST_CASE("dev-idp refuses a signing certificate that does not belong to its key", "[gateway][dev_idp]")
{
    saml::library_guard guard;
    test::temp_dir dir;
    auto a = dev_idp::ensure_signing_keys(dir / "a", now());
    std::filesystem::copy_file(shared_keys().cert_file, dir / "a" / dev_idp::signing_cert_name,
                               std::filesystem::copy_options::overwrite_existing);
    CHECK_THROWS_AS(dev_idp::ensure_signing_keys(dir / "a", now()), startup_error);
}

TEST_CASE("dev-idp login: form, single-use token, and a Continue page that posts a verifiable response",
          "[gateway][dev_idp]")
{
    saml::library_guard guard;
    auto idp = make_idp();
    auto form = idp.handle(get("/sso" + authn_request_query(acs, "relay-42")));
    REQUIRE(form.status == 200);
    CHECK(form.body.find("action=\"/sso/login\"") != std::string::npos);
    CHECK(form.body.find("<script") == std::string::npos);
    CHECK(form.headers.get("Content-Security-Policy")->find("default-src 'none'") != std::string::npos);
    auto token = between(form.body, "name=\"token\" value=\"", "\"");
    CHECK(token.size() == 32);

    http_request post;
    post.method = http_method::post;
    post.target = "/sso/login";
    post.body = "token=" + token + "&email=carol%40example.com&display_name=Carol+C&groups=ops%2C+dev&role=owner";
    auto done = idp.handle(post);
    REQUIRE(done.status == 200);
    CHECK(done.body.find("<script") == std::string::npos);
    CHECK(done.body.find("action=\"" + std::string(acs) + "\"") != std::string::npos);
    CHECK(done.body.find(">Continue</button>") != std::string::npos);
    CHECK(between(done.body, "name=\"RelayState\" value=\"", "\"") == "relay-42");
    auto response = between(done.body, "name=\"SAMLResponse\" value=\"", "\"");
    auto v = saml::verify_response(response, trust(), sp(), saml::response_expectation::solicited("_req0123456789abcdef"),
                                   now());
    INFO((v ? std::string() : v.error().detail));
    REQUIRE(v.has_value());
    CHECK(v->name_id == "carol@example.com");
    CHECK(v->values_of("groups") == std::vector<std::string>{"ops", "dev"});
    CHECK(v->values_of("role") == std::vector<std::string>{"owner"});

    // The token is single-use.
    CHECK(idp.handle(post).status == 400);
}

TEST_CASE("dev-idp IdP-initiated sign-in posts an unsolicited response for the configured SP", "[gateway][dev_idp]")
{
    saml::library_guard guard;
    auto idp = make_idp();
    auto form = idp.handle(get("/idp-initiated?acs=" + std::string("https%3A%2F%2F127.0.0.1%3A8443%2Fsso%2Facs%2Fdev")));
    REQUIRE(form.status == 200);
    http_request post;
    post.method = http_method::post;
    post.target = "/sso/login";
    post.body = "token=" + between(form.body, "name=\"token\" value=\"", "\"") + "&email=dan%40example.com";
    auto done = idp.handle(post);
    REQUIRE(done.status == 200);
    auto unsolicited = sp();
    unsolicited.allow_unsolicited = true;
    auto v = saml::verify_response(between(done.body, "name=\"SAMLResponse\" value=\"", "\""), trust(), unsolicited,
                                   saml::response_expectation::unsolicited(), now());
    REQUIRE(v.has_value());
    CHECK(v->in_response_to.empty());
}

TEST_CASE("dev-idp refuses an unknown or expired login token", "[gateway][dev_idp]")
{
    saml::library_guard guard;
    auto clock_now = std::make_shared<std::chrono::system_clock::time_point>(now());
    dev_idp::identity_provider idp({"https://127.0.0.1:9443", "", {acs}, sp_entity}, shared_keys(),
                                   [clock_now] { return *clock_now; }, counting_random());
    auto form = idp.handle(get("/sso" + authn_request_query(acs)));
    http_request post;
    post.method = http_method::post;
    post.target = "/sso/login";
    post.body = "token=" + between(form.body, "name=\"token\" value=\"", "\"") + "&email=a%40example.com";
    *clock_now += 601s;
    CHECK(idp.handle(post).status == 400);
    post.body = "token=00000000000000000000000000000000&email=a%40example.com";
    CHECK(idp.handle(post).status == 400);
}

TEST_CASE("ssogate dev-idp --print-connection-toml writes the metadata file and prints the connection",
          "[gateway][dev_idp][cli]")
{
    test::temp_dir dir;
    auto r = run({"dev-idp", "--print-connection-toml", "--data-dir", (dir / "d").string()});
    INFO(r.err);
    REQUIRE(r.exit_code == 0);
    auto const file = dir / "d" / dev_idp::metadata_file_name;
    CHECK(r.out.find("[[connection]]\nid = \"dev\"\n") != std::string::npos);
    CHECK(r.out.find("idp_metadata_file = \"" + file.string() + "\"") != std::string::npos);
    CHECK(r.out.find("allow_idp_initiated = true") != std::string::npos);
    saml::library_guard guard;
    auto md = saml::parse_idp_metadata(test::read_file(file));
    REQUIRE(md.has_value());
    CHECK(md->entity_id == "https://127.0.0.1:9443/metadata");
}

TEST_CASE("dev-idp over real TLS: GET /metadata and GET /sso with a real AuthnRequest shows the login form",
          "[gateway][dev_idp][socket]")
{
    saml::library_guard guard;
    test::temp_dir dir;
    auto tls = ensure_self_signed(dir / "tls", "127.0.0.1", std::chrono::system_clock::now());
    logger log([](std::string_view) {}, [] { return now(); });
    server_options so;
    so.host = "127.0.0.1";
    so.port = 0;
    so.threads = 1;
    std::unique_ptr<dev_idp::identity_provider> idp;
    server srv(so, tls, [&idp](http_request const& r) { return idp->handle(r); }, log);
    auto base = srv.url();
    base.pop_back();
    idp = std::make_unique<dev_idp::identity_provider>(dev_idp::idp_settings{base, "", {acs}, sp_entity}, shared_keys(),
                                                       system_clock(), system_random());
    srv.start();

    test::tls_client client(srv.port());
    auto md = client.request("GET", "/metadata");
    CHECK(md.status == 200);
    auto parsed = saml::parse_idp_metadata(md.body);
    REQUIRE(parsed.has_value());
    CHECK(parsed->sso_url(saml::binding_http_redirect) == base + "/sso");

    auto login = client.request("GET", "/sso" + authn_request_query(acs, "rs"));
    CHECK(login.status == 200);
    CHECK(login.body.find("<form method=\"post\" action=\"/sso/login\">") != std::string::npos);
    CHECK(login.body.find("name=\"email\"") != std::string::npos);
    CHECK(login.body.find("For development only") != std::string::npos);
    srv.stop();
    srv.wait();
}
