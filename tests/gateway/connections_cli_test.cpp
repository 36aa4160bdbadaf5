// `ssogate connection …` and `ssogate reload` with the built binary, alone and next to a
// running `ssogate serve` (issues 5 and 6).
#include <catch2/catch.hpp>

#include <ssogate/saml/keys.hpp>

#include "support/process.hpp"
#include "support/tls_client.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <signal.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

using ssogate::test::run_ssogate;
using namespace std::chrono_literals;
namespace json = boost::json;

namespace {

std::string entity(std::string const& id)
{
    auto cert = ssogate::saml::certificate::from_pem(
        ssogate::test::read_file(ssogate::test::data_path("saml/keys/idp.crt")));
    REQUIRE(cert.has_value());
    return "<md:EntityDescriptor entityID=\"" + id
           + "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
             "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
           + cert->base64_der()
           + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
             "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
             "Location=\"https://idp.example.test/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
}

std::string const ns = " xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\"";

std::string single(std::string const& id)
{
    auto e = entity(id);
    return e.insert(e.find(' '), ns);
}

// Line 10 holds jit.enabled (the refusal names it).
std::string const base_config = "[store]\n"
                                 "path = \"ssogate.db\"\n"
                                 "\n"
                                 "[[connection]]\n"
                                 "id = \"okta\"\n"
                                 "idp_metadata_file = \"idp.xml\"\n"
                                 "domains = [\"example.com\"]\n"
                                 "\n"
                                 "[connection.jit]\n"
                                 "enabled = true\n";

bool fs_exists(std::filesystem::path const& p)
{
    return std::filesystem::exists(p);
}

/// The pid `ssogate serve` wrote.
pid_t serve_pid(std::filesystem::path const& pid_file)
{
    std::ifstream f(pid_file);
    pid_t pid = 0;
    f >> pid;
    REQUIRE(pid > 1);
    return pid;
}

struct cli_dir {
    explicit cli_dir(std::string const& extra = {})
    {
        std::ofstream(dir / "idp.xml") << single("https://idp.example.test/metadata");
        std::ofstream(dir / "acme.xml") << single("https://idp.acme.test/metadata");
        std::ofstream(dir / "aggregate.xml") << "<md:EntitiesDescriptor" + ns + ">" + entity("https://a.test/idp")
                                                    + entity("https://b.test/idp") + "</md:EntitiesDescriptor>";
        write(extra + base_config);
    }
    void write(std::string const& text) { std::ofstream(dir / "ssogate.toml", std::ios::trunc) << text; }
    ssogate::test::process_result run(std::vector<std::string> args)
    {
        args.insert(args.begin(), {"--config", (dir / "ssogate.toml").string()});
        return run_ssogate(args, dir.path());
    }
    ssogate::test::temp_dir dir;
};

} // namespace

TEST_CASE("ssogate connection create imports IdP metadata and list, show, set, jit and delete manage it",
          "[gateway][connections][cli]")
{
    cli_dir d;
    auto created = d.run({"connection", "create", "acme", "--idp-metadata", (d.dir / "acme.xml").string(), "--domain",
                          "acme.test", "--name", "Acme"});
    INFO(created.err);
    REQUIRE(created.exit_code == 0);
    CHECK(created.out == "created connection acme (Acme): JIT on, domains acme.test\n");

    auto list = d.run({"connection", "list"});
    REQUIRE(list.exit_code == 0);
    CHECK_THAT(list.out, Catch::Contains("acme  store  jit on   Acme  acme.test"));

    auto show = d.run({"connection", "show", "acme"});
    REQUIRE(show.exit_code == 0);
    auto shown = json::parse(show.out).as_object();
    CHECK(shown.at("owner") == "store");
    CHECK(shown.at("domains") == json::array{"acme.test"});

    auto set = d.run({"connection", "set", "acme", "jit.update=never", "name=Acme Corp"});
    INFO(set.err);
    REQUIRE(set.exit_code == 0);
    CHECK(set.out
          == "changed connection acme:\n  name: \"Acme\" -> \"Acme Corp\"\n  jit.update: \"each_login\" -> \"never\"\n");

    auto off = d.run({"connection", "jit", "acme", "off"});
    REQUIRE(off.exit_code == 0);
    CHECK(off.out == "connection acme: JIT off (was on); the next sign-in obeys it\n");
    auto again = d.run({"connection", "jit", "acme", "off"});
    REQUIRE(again.exit_code == 0);
    CHECK(again.out == "connection acme: JIT is already off; nothing changed\n");

    // Every change is in the audit log with the CLI as actor.
    auto tail = d.run({"audit", "tail", "--json"});
    REQUIRE(tail.exit_code == 0);
    std::vector<std::string> actions;
    std::istringstream in(tail.out);
    for (std::string line; std::getline(in, line);) {
        auto e = json::parse(line).as_object();
        actions.emplace_back(e.at("action").as_string());
        CHECK(e.at("actor").at("type") == "cli");
    }
    CHECK(actions == std::vector<std::string>{"connection.created", "connection.changed", "connection.jit.disabled"});

    auto del = d.run({"connection", "delete", "acme"});
    REQUIRE(del.exit_code == 0);
    CHECK(del.out == "deleted connection acme\n");
    auto gone = d.run({"connection", "show", "acme"});
    CHECK(gone.exit_code == 1);
    CHECK_THAT(gone.err, Catch::Contains("no connection \"acme\""));
}

TEST_CASE("ssogate connection refuses bad input with exit 2 and refusals with exit 1", "[gateway][connections][cli]")
{
    cli_dir d;
    auto aggregate = d.run({"connection", "create", "multi", "--idp-metadata", (d.dir / "aggregate.xml").string()});
    CHECK(aggregate.exit_code == 2);
    CHECK_THAT(aggregate.err, Catch::Contains("holds several IdPs; choose one with --idp-entity-id:")
                                  && Catch::Contains("https://a.test/idp") && Catch::Contains("https://b.test/idp"));
    auto chosen = d.run({"connection", "create", "multi", "--idp-metadata", (d.dir / "aggregate.xml").string(),
                         "--idp-entity-id", "https://b.test/idp"});
    INFO(chosen.err);
    CHECK(chosen.exit_code == 0);

    auto duplicate = d.run({"connection", "create", "multi", "--idp-metadata", (d.dir / "acme.xml").string()});
    CHECK(duplicate.exit_code == 1);
    CHECK_THAT(duplicate.err, Catch::Contains("connection id \"multi\" is taken"));

    auto invalid = d.run({"connection", "set", "multi", "jit.update=always"});
    CHECK(invalid.exit_code == 2);
    CHECK_THAT(invalid.err, Catch::Contains("connection \"multi\": jit.update must be one of each_login, on_create, "
                                            "never (got \"always\")"));
    CHECK(d.run({"connection", "jit", "multi", "maybe"}).exit_code == 2);
    CHECK(d.run({"connection", "jit", "nope", "off"}).exit_code == 1);
    CHECK(d.run({"connection", "create", "x"}).exit_code == 2); // no metadata

    // A connection of the file: refused, naming the file and the line to edit.
    auto file = d.run({"connection", "jit", "okta", "off"});
    CHECK(file.exit_code == 1);
    CHECK_THAT(file.err, Catch::Contains("connection \"okta\" is declared in " + (d.dir / "ssogate.toml").string()
                                         + " (jit.enabled at line 10)")
                             && Catch::Contains("ssogate reload"));
    CHECK(d.run({"connection", "delete", "okta"}).exit_code == 1);
    CHECK(d.run({"connection", "set", "okta", "name=x"}).exit_code == 1);
    auto taken = d.run({"connection", "create", "okta", "--idp-metadata", (d.dir / "acme.xml").string()});
    CHECK(taken.exit_code == 1);
    CHECK_THAT(taken.err, Catch::Contains("declared in"));
}

TEST_CASE("a running ssogate serve obeys connection changes made by the CLI and reloads its file",
          "[gateway][connections][cli][serve][reload]")
{
    cli_dir d("[server]\nlisten = \"127.0.0.1:0\"\n");
    ssogate::test::background_process serve({"--config", (d.dir / "ssogate.toml").string(), "serve"}, d.dir.path());
    auto up = serve.wait_for_line("serving https://", 60s);
    INFO("stdout: " << serve.out() << "\nstderr: " << serve.err());
    REQUIRE(up);
    auto const port = static_cast<std::uint16_t>(std::stoi(up->substr(up->rfind(':') + 1)));
    auto status = [&](std::string const& target) {
        ssogate::test::tls_client c(port);
        return c.request("GET", target, {}, false).status;
    };
    // The pid file follows the "serving" line.
    for (int i = 0; i < 100 && !fs_exists(d.dir / "ssogate.pid"); ++i)
        std::this_thread::sleep_for(50ms);
    REQUIRE(fs_exists(d.dir / "ssogate.pid"));

    // Store-owned connections: created, changed and deleted by another process.
    CHECK(status("/sso/login/acme") == 404);
    REQUIRE(d.run({"connection", "create", "acme", "--idp-metadata", (d.dir / "acme.xml").string(), "--domain",
                   "acme.test"})
                .exit_code == 0);
    CHECK(status("/sso/login/acme") == 302);
    REQUIRE(d.run({"connection", "delete", "acme"}).exit_code == 0);
    CHECK(status("/sso/login/acme") == 404);

    // The file: edited, then `ssogate reload`.
    d.write("[server]\nlisten = \"127.0.0.1:0\"\n" + base_config.substr(0, base_config.size() - 5) + "false\n"
            + "[[connection]]\nid = \"beta\"\nidp_metadata_file = \"idp.xml\"\n");
    auto reload = d.run({"reload"});
    INFO("reload: " << reload.out << reload.err);
    REQUIRE(reload.exit_code == 0);
    CHECK_THAT(reload.out, Catch::Contains("connections added: beta") && Catch::Contains("okta: on -> off"));
    CHECK(status("/sso/login/beta") == 302);
    CHECK_THAT(d.run({"connection", "list"}).out, Catch::Contains("okta  file  jit off"));

    // An invalid file: `ssogate reload` checks it first and signals nothing (exit 2);
    // SIGHUP makes the server try it, refuse it and keep what it had.
    d.write("[server]\nlisten = \"127.0.0.1:0\"\n[[connection]]\nid = \"okta\"\n");
    auto refused = d.run({"reload"});
    CHECK(refused.exit_code == 2);
    CHECK_THAT(refused.err, Catch::Contains("one of idp_metadata_file or idp_metadata (inline XML) is required"));
    auto const pid = serve_pid(d.dir / "ssogate.pid");
    REQUIRE(::kill(pid, SIGHUP) == 0);
    REQUIRE(serve.wait_for_line("\"applied\":false", 10s));
    CHECK(status("/sso/login/beta") == 302);

    // SIGHUP with a valid file does what ssogate reload does.
    d.write("[server]\nlisten = \"127.0.0.1:0\"\n" + base_config);
    REQUIRE(::kill(pid, SIGHUP) == 0);
    REQUIRE(serve.wait_for_line("\"removed\":[\"beta\"]", 10s));
    CHECK(status("/sso/login/beta") == 404);

    CHECK(serve.signal_and_wait(SIGTERM, 20s) == 0);
    CHECK_FALSE(fs_exists(d.dir / "ssogate.pid"));
}
