// config_reloader: the configuration file re-read while serving (reload.hpp), on real
// files and a real SQLite store.
#include <ssogate/gateway/reload.hpp> // first: the public header is self-contained

#include <catch2/catch.hpp>

#include <ssogate/gateway/connections.hpp>
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/store/sqlite.hpp>

#include "support/app_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <fstream>

using namespace ssogate;
namespace json = boost::json;

namespace {

std::string metadata_xml(std::string const& entity)
{
    auto cert = saml::certificate::from_pem(test::read_file(test::data_path("saml/keys/idp.crt")));
    REQUIRE(cert.has_value());
    return "<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
           "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\""
           + entity
           + "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
             "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
           + cert->base64_der()
           + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
             "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" "
             "Location=\"https://idp.example.test/sso\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
}

std::string const okta = "[[connection]]\nid = \"okta\"\nname = \"Okta\"\ndomains = [\"example.com\"]\n"
                         "idp_metadata_file = \"idp.xml\"\n";
std::string const partner = "[[connection]]\nid = \"partner\"\ndomains = [\"partner.test\"]\n"
                            "idp_metadata_file = \"idp.xml\"\n";

/// A served configuration: file, store, registry, reloader.
struct reload_app {
    explicit reload_app(std::string const& text)
    {
        std::ofstream(dir / "idp.xml") << metadata_xml("https://idp.example.test/metadata");
        write(text);
        auto loaded = gateway::load_config(file());
        REQUIRE(loaded.has_value());
        cfg = *loaded;
        auto opened = store::open_sqlite(dir / "ssogate.db");
        REQUIRE(opened.has_value());
        db = std::move(*opened);
        registry = gateway::connection_registry::build(cfg);
        gateway::sync_file_connections(cfg, *db, test::test_now());
        registry.attach(*db, log.logger());
        reloader = std::make_unique<gateway::config_reloader>(cfg, *db, registry, log.logger(),
                                                              gateway::system_random(),
                                                              gateway::fixed_clock(test::test_now()));
    }

    std::filesystem::path file() const { return dir / "ssogate.toml"; }
    void write(std::string const& text) { std::ofstream(file(), std::ios::trunc) << text; }

    std::vector<store::chained_audit_event> events(std::string const& action)
    {
        auto tx = db->begin(store::access::read);
        REQUIRE(tx.has_value());
        store::audit_filter f;
        f.action = action;
        return (*tx)->audit().after(0, 100, f).value();
    }

    store::connection_record row(std::string const& id)
    {
        auto tx = db->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto r = (*tx)->connections().find(id).value();
        REQUIRE(r.has_value());
        return *r;
    }

    saml::library_guard guard;
    test::temp_dir dir;
    test::captured_log log;
    gateway::config cfg;
    std::unique_ptr<store::store> db;
    gateway::connection_registry registry;
    std::unique_ptr<gateway::config_reloader> reloader;
};

} // namespace

TEST_CASE("a reload applies added, removed and changed connections and the JIT switch, with one event",
          "[gateway][reload]")
{
    reload_app app(okta + partner);
    REQUIRE(app.row("okta").jit_enabled);
    auto held = app.registry.find("partner");
    REQUIRE(held);

    app.write("[[connection]]\nid = \"okta\"\nname = \"Okta Main\"\ndomains = [\"example.com\"]\n"
              "idp_metadata_file = \"idp.xml\"\n[connection.jit]\nenabled = false\n"
              "[[connection]]\nid = \"beta\"\ndomains = [\"beta.test\"]\nidp_metadata_file = \"idp.xml\"\n");
    auto r = app.reloader->reload();
    INFO(r.error);
    REQUIRE(r.applied);
    CHECK(r.added == std::vector<std::string>{"beta"});
    CHECK(r.removed == std::vector<std::string>{"partner"});
    CHECK(r.changed == std::vector<std::string>{"okta"});
    CHECK(r.jit_changes == std::vector<std::string>{"okta: on -> off"});
    CHECK(r.restart_required.empty());

    // The registry serves the new file; a request holding the old connection keeps it.
    CHECK(app.registry.find("beta"));
    CHECK_FALSE(app.registry.find("partner"));
    CHECK(held->id == "partner");
    CHECK(app.registry.find("okta")->name == "Okta Main");
    CHECK(app.registry.for_domain("beta.test").size() == 1);

    // The switch the next sign-in reads (sso.cpp reads the row's jit_enabled).
    CHECK_FALSE(app.row("okta").jit_enabled);
    CHECK(app.row("okta").display_name == "Okta Main");
    CHECK(app.row("beta").owner == store::connection_owner::file);

    auto events = app.events("config.reloaded");
    REQUIRE(events.size() == 1);
    auto const& e = events[0].event;
    CHECK(e.result_status == "success");
    CHECK(e.actor_type == "system");
    CHECK(e.target == app.file().string());
    auto changes = json::parse(e.changes_json).as_object();
    CHECK(changes.at("connections").at("added") == json::array{"beta"});
    CHECK(changes.at("connections").at("removed") == json::array{"partner"});
    CHECK(changes.at("connections").at("changed").at("okta")
          == json::parse(R"({"before":{"name":"Okta"},"after":{"name":"Okta Main"}})"));
    CHECK(changes.at("jit") == json::parse(R"({"okta":{"before":true,"after":false}})"));
}

TEST_CASE("a reload of an invalid file changes nothing and records the error", "[gateway][reload][reject]")
{
    reload_app app(okta);
    SECTION("a value the parser refuses")
    {
        app.write(okta + "[connection.jit]\nupdate = \"always\"\n");
        auto r = app.reloader->reload();
        CHECK_FALSE(r.applied);
        CHECK_THAT(r.error, Catch::Contains("jit.update must be one of each_login, on_create, never"));
    }
    SECTION("metadata that cannot be read")
    {
        app.write(okta + partner.substr(0, partner.find("idp_metadata_file")) + "idp_metadata_file = \"gone.xml\"\n");
        auto r = app.reloader->reload();
        CHECK_FALSE(r.applied);
        CHECK_THAT(r.error, Catch::Contains("connection \"partner\": cannot read idp_metadata_file"));
    }
    SECTION("an id that a store-owned connection uses")
    {
        {
            auto tx = app.db->begin(store::access::write);
            store::connection_record row;
            row.id = "partner";
            row.display_name = "Partner";
            row.owner = store::connection_owner::store;
            REQUIRE((*tx)->connections().create(row).has_value());
            REQUIRE((*tx)->commit().has_value());
        }
        app.write(okta + "[connection.jit]\nenabled = false\n" + partner);
        auto r = app.reloader->reload();
        CHECK_FALSE(r.applied);
        CHECK_THAT(r.error, Catch::Contains("created through the admin API or CLI"));
        CHECK(app.row("okta").jit_enabled); // nothing half-applied
    }
    CHECK(app.registry.find("okta"));
    CHECK_FALSE(app.registry.find_file_connection("partner"));
    auto events = app.events("config.reloaded");
    REQUIRE(events.size() == 1);
    CHECK(events[0].event.result_status == "failure");
    CHECK(events[0].event.result_reason == "config_invalid");
    CHECK(json::parse(events[0].event.changes_json).at("error").as_string().size() > 10);
    CHECK_THAT(app.log.text(), Catch::Contains("config reload refused"));
}

TEST_CASE("a reload reports settings that need a restart and keeps them", "[gateway][reload]")
{
    reload_app app("[server]\nlisten = \"127.0.0.1:8443\"\n" + okta);
    app.write("[server]\nlisten = \"127.0.0.1:9443\"\n[store]\npath = \"other.db\"\n" + okta);
    auto r = app.reloader->reload();
    REQUIRE(r.applied);
    CHECK(r.restart_required == std::vector<std::string>{"server.listen", "server.public_url", "store.path",
                                                         "sp.entity_id"});
    auto events = app.events("config.reloaded");
    REQUIRE(events.size() == 1);
    CHECK(json::parse(events[0].event.changes_json).at("restart_required").as_array().size() == 4);
    CHECK_THAT(app.log.text(), Catch::Contains("need a restart"));
}

TEST_CASE("a reload that changes nothing writes no event", "[gateway][reload]")
{
    reload_app app(okta);
    app.write("# the same, commented\n" + okta);
    auto r = app.reloader->reload();
    CHECK(r.applied);
    CHECK(r.changed.empty());
    CHECK(app.events("config.reloaded").empty());
}

TEST_CASE("a reload reports a changed connection limit as needing a restart", "[gateway][reload]")
{
    reload_app app("[server]\nlisten = \"127.0.0.1:8443\"\nmax_connections = 1024\n" + okta);
    app.write("[server]\nlisten = \"127.0.0.1:8443\"\nmax_connections = 64\n" + okta);
    auto r = app.reloader->reload();
    REQUIRE(r.applied);
    CHECK(r.restart_required == std::vector<std::string>{"server.max_connections"});
}
