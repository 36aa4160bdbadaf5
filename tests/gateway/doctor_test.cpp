// `ssogate doctor` (issue 7 "Troubleshooting tools"): each check fires on the failure
// mode it looks for and stays silent otherwise; exit 0 clean, 1 with findings. Also seed
// scenario (3): a JIT-created user on a connection that later enables SCIM is listed with
// the `ssogate user adopt` command.
#include <catch2/catch.hpp>

#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/cli.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/scim.hpp>
#include <ssogate/store/owner.hpp>
#include <ssogate/store/sqlite.hpp>

#include "support/sso_fixture.hpp"
#include "temp_dir.hpp"

#include <boost/json.hpp>

#include <filesystem>
#include <fstream>
#include <sstream>

using namespace ssogate;
namespace json = boost::json;

namespace {

std::string const okta_metadata = std::string(SSOGATE_TEST_DATA_DIR) + "/saml/metadata/okta.xml";

struct cli_run {
    int exit_code = -1;
    std::string out;
    std::string err;
};

/// A directory with ssogate.toml (store ssogate.db) holding `connections_toml`.
struct doctor_dir {
    explicit doctor_dir(std::string const& connections_toml)
    {
        std::ofstream(dir / "ssogate.toml") << "[store]\npath = \"ssogate.db\"\n\n" << connections_toml;
    }

    std::string config() const { return (dir / "ssogate.toml").string(); }

    /// `ssogate doctor --json --now T` (certificates checked as of T).
    cli_run run(std::string const& now_utc = "2026-01-01T00:00:00Z")
    {
        std::vector<std::string> args{"ssogate", "--config", config(), "doctor", "--json", "--now", now_utc};
        std::vector<char const*> argv;
        for (auto const& a : args)
            argv.push_back(a.c_str());
        static constexpr gateway::command_group groups[] = {gateway::add_doctor_command};
        std::ostringstream out, err;
        int rc = gateway::run_cli(static_cast<int>(argv.size()), argv.data(), groups, out, err);
        return {rc, out.str(), err.str()};
    }

    /// The store, with the file's connections synced (as `ssogate serve` does).
    store::store& db()
    {
        if (!db_) {
            auto opened = store::open_sqlite(dir / "ssogate.db");
            REQUIRE(opened.has_value());
            db_ = std::move(*opened);
            auto cfg = gateway::load_config(config());
            REQUIRE(cfg.has_value());
            gateway::sync_file_connections(*cfg, *db_, now);
        }
        return *db_;
    }

    /// Findings of `check` in a --json run.
    static std::vector<json::object> findings(cli_run const& r, std::string const& check)
    {
        std::vector<json::object> out;
        auto body = json::parse(r.out).as_object();
        for (auto const& f : body.at("findings").as_array())
            if (f.at("check").as_string() == check)
                out.push_back(f.as_object());
        return out;
    }

    test::temp_dir dir;
    std::unique_ptr<store::store> db_;
    std::chrono::system_clock::time_point now{std::chrono::seconds(1767225600)};
};

std::string connection(std::string const& id, std::string const& extra = {}, std::string const& domain = "example.com")
{
    return "[[connection]]\nid = \"" + id + "\"\ndomains = [\"" + domain + "\"]\nidp_metadata_file = \"" + okta_metadata
           + "\"\n" + extra + "\n";
}

/// A user with an identity on `connection`, created by `created_by`.
void add_user(store::store& db, std::string const& id, std::string const& email, std::string const& connection_id,
              std::string const& created_by, std::chrono::system_clock::time_point now)
{
    auto began = db.begin(store::access::write);
    REQUIRE(began.has_value());
    auto& tx = **began;
    REQUIRE(tx.users().create({id, created_by, true, now}).has_value());
    REQUIRE(tx.users().set_attribute(id, {"email", email, created_by, now, std::nullopt}).has_value());
    REQUIRE(tx.users().add_identity({connection_id, email, id, now, std::nullopt, ""}).has_value());
    REQUIRE(tx.commit().has_value());
}

} // namespace

TEST_CASE("doctor is silent and exits 0 on a clean configuration", "[gateway][doctor]")
{
    doctor_dir d(connection("okta"));
    auto r = d.run();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 0);
    auto body = json::parse(r.out).as_object();
    CHECK(body.at("findings").as_array().empty());
    CHECK(body.at("checked").at("connections") == 1);

    std::vector<std::string> args{"ssogate", "--config", d.config(), "doctor"};
    std::vector<char const*> argv;
    for (auto const& a : args)
        argv.push_back(a.c_str());
    static constexpr gateway::command_group groups[] = {gateway::add_doctor_command};
    std::ostringstream out, err;
    CHECK(gateway::run_cli(4, argv.data(), groups, out, err) == 0);
    CHECK(out.str().find("no problems found") != std::string::npos);
}

TEST_CASE("doctor reports SHA-1 and IdP-initiated sign-in, with the setting to change", "[gateway][doctor]")
{
    doctor_dir d(connection("okta", "allow_sha1 = true\nallow_idp_initiated = true"));
    auto r = d.run();
    CHECK(r.exit_code == 1);
    auto sha1 = doctor_dir::findings(r, "sha1_allowed");
    REQUIRE(sha1.size() == 1);
    CHECK(sha1[0].at("connection") == "okta");
    CHECK(std::string(sha1[0].at("commands").at(0).as_string()).find("allow_sha1 = false") != std::string::npos);
    CHECK(doctor_dir::findings(r, "idp_initiated_allowed").size() == 1);

    doctor_dir clean(connection("okta"));
    auto c = clean.run();
    CHECK(doctor_dir::findings(c, "sha1_allowed").empty());
    CHECK(doctor_dir::findings(c, "idp_initiated_allowed").empty());
}

TEST_CASE("doctor reports a domain claimed by two connections", "[gateway][doctor]")
{
    doctor_dir d(connection("okta") + connection("entra"));
    auto r = d.run();
    CHECK(r.exit_code == 1);
    auto f = doctor_dir::findings(r, "domain_claimed_twice");
    REQUIRE(f.size() == 1);
    CHECK(std::string(f[0].at("message").as_string()).find("example.com") != std::string::npos);

    doctor_dir apart(connection("okta") + connection("entra", "", "example.org"));
    CHECK(doctor_dir::findings(apart.run(), "domain_claimed_twice").empty());
}

TEST_CASE("doctor warns 30 days before an IdP signing certificate expires, and reports it expired",
          "[gateway][doctor]")
{
    // The certificate in okta.xml (tests/data/saml/keys/idp.crt) ends 2126-11-05T19:58:38Z.
    doctor_dir d(connection("okta"));
    auto soon = d.run("2126-10-20T00:00:00Z");
    CHECK(soon.exit_code == 1);
    REQUIRE(doctor_dir::findings(soon, "idp_certificate_expiring").size() == 1);
    CHECK(doctor_dir::findings(soon, "idp_certificate_expired").empty());

    auto past = d.run("2127-01-01T00:00:00Z");
    REQUIRE(doctor_dir::findings(past, "idp_certificate_expired").size() == 1);
    CHECK(doctor_dir::findings(past, "idp_certificate_expiring").empty());

    auto early = d.run("2126-10-01T00:00:00Z");   // 35 days before
    CHECK(doctor_dir::findings(early, "idp_certificate_expiring").empty());
    CHECK(early.exit_code == 0);
}

TEST_CASE("doctor reports metadata it cannot read", "[gateway][doctor]")
{
    doctor_dir d("[[connection]]\nid = \"okta\"\ndomains = [\"example.com\"]\nidp_metadata_file = \"missing.xml\"\n");
    auto r = d.run();
    CHECK(r.exit_code == 1);
    CHECK(doctor_dir::findings(r, "idp_metadata_unreadable").size() == 1);
}

TEST_CASE("doctor reports JIT off with no SCIM token (nobody new can sign in), silent once a token exists",
          "[gateway][doctor]")
{
    doctor_dir d(connection("okta", "[connection.jit]\nenabled = false\n[connection.scim]\nenabled = true"));
    (void)d.db();
    auto r = d.run();
    CHECK(r.exit_code == 1);
    auto f = doctor_dir::findings(r, "nobody_new_can_sign_in");
    REQUIRE(f.size() == 1);
    CHECK(f[0].at("commands").at(1) == "ssogate scim token create okta");

    auto token = gateway::create_scim_token(d.db(), "okta", "idp", gateway::admin_actor{"cli", "t", "", ""},
                                            gateway::system_random(), d.now);
    REQUIRE(token.has_value());
    CHECK(doctor_dir::findings(d.run(), "nobody_new_can_sign_in").empty());

    doctor_dir jit_on(connection("okta"));
    CHECK(doctor_dir::findings(jit_on.run(), "nobody_new_can_sign_in").empty());
}

TEST_CASE("doctor lists users on a SCIM-enabled connection that SCIM does not own, with the adopt command",
          "[gateway][doctor]")
{
    doctor_dir d(connection("okta", "[connection.scim]\nenabled = true"));
    add_user(d.db(), "u-jit", "jo@example.com", "okta", store::owner_jit("okta"), d.now);
    add_user(d.db(), "u-scim", "sam@example.com", "okta", store::owner_scim("okta"), d.now);
    auto r = d.run();
    CHECK(r.exit_code == 1);
    auto f = doctor_dir::findings(r, "scim_not_owner");
    REQUIRE(f.size() == 1);
    CHECK(f[0].at("user") == "jo@example.com");
    CHECK(f[0].at("commands").at(1) == "ssogate user adopt jo@example.com --connection okta");

    doctor_dir no_scim(connection("okta"));
    add_user(no_scim.db(), "u-jit", "jo@example.com", "okta", store::owner_jit("okta"), no_scim.now);
    CHECK(doctor_dir::findings(no_scim.run(), "scim_not_owner").empty());
}

/// Puts the user in `connection`'s SCIM view with a role SCIM owns, and stores `assertion`
/// (the ACS's JSON form) as the last one seen through its identity there.
void make_scim_user(store::store& db, std::string const& id, std::string const& email, std::string const& connection_id,
                    std::string const& role, std::string const& assertion, std::chrono::system_clock::time_point now)
{
    auto began = db.begin(store::access::write);
    REQUIRE(began.has_value());
    auto& tx = **began;
    auto const owner = store::owner_scim(connection_id);
    REQUIRE(tx.users().create({id, owner, true, now}).has_value());
    REQUIRE(tx.users().set_attribute(id, {"email", email, owner, now, std::nullopt}).has_value());
    REQUIRE(tx.users().grant_role(id, {role, owner, now, std::nullopt}).has_value());
    store::scim_user_record row;
    row.connection_id = connection_id;
    row.user_id = id;
    row.user_name = email;
    row.created_at = row.updated_at = now;
    REQUIRE(tx.scim().create_user(row).has_value());
    if (!assertion.empty())
        REQUIRE(tx.users().add_identity({connection_id, email, id, now, now, assertion}).has_value());
    REQUIRE(tx.commit().has_value());
}

std::string assertion_with_role(std::string const& email, std::string const& role)
{
    return R"({"name_id":")" + email + R"(","name_id_format":"urn:oasis:names:tc:SAML:1.1:nameid-format:emailAddress",)"
           R"("attributes":{"email":[")" + email + R"("],"role":[")" + role + R"("]}})";
}

TEST_CASE("doctor reports JIT and SCIM disagreeing when JIT's mapping of the last assertion would change what SCIM "
          "owns, per user, with the recorded conflict count and the settings to change",
          "[gateway][doctor]")
{
    doctor_dir d(connection("okta", "[connection.scim]\nenabled = true"));
    // SCIM set editor; the last assertion says member: JIT would give member.
    make_scim_user(d.db(), "u-scim", "sam@example.com", "okta", "editor",
                   assertion_with_role("sam@example.com", "member"), d.now);
    // SCIM set editor and the assertion says editor too: they agree.
    make_scim_user(d.db(), "u-agree", "ann@example.com", "okta", "editor",
                   assertion_with_role("ann@example.com", "editor"), d.now);
    // Never signed in: nothing to compare (the role is producible, so no other finding).
    make_scim_user(d.db(), "u-new", "new@example.com", "okta", "editor", "", d.now);
    {
        auto began = d.db().begin(store::access::write);
        REQUIRE(began.has_value());
        store::audit_event ev;
        ev.id = "ev-conflict";
        ev.time = d.now;
        ev.action = "provision.conflict";
        ev.actor_type = "system";
        ev.actor_id = "jit:okta";
        ev.target = "u-scim";
        ev.connection_id = "okta";
        ev.result_status = "success";
        ev.changes_json = R"({"kind":"role","item":"role","assertion_value":"member","stored_value":"editor",)"
                          R"("stored_owner":"scim:okta","detail":""})";
        REQUIRE((**began).audit().append(ev).has_value());
        REQUIRE((**began).commit().has_value());
    }
    auto r = d.run();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    auto f = doctor_dir::findings(r, "jit_scim_disagree");
    REQUIRE(f.size() == 1);
    CHECK(f[0].at("user") == "sam@example.com");
    auto const message = std::string(f[0].at("message").as_string());
    CHECK(message.find("role: the assertion gives \"member\", SCIM set \"editor\"") != std::string::npos);
    CHECK(message.find("(1 recorded so far)") != std::string::npos);
    CHECK(f[0].at("commands").at(0) == "ssogate user explain sam@example.com");
    CHECK(std::string(f[0].at("commands").at(1).as_string()).find("role_mapping.update = \"never\"") !=
          std::string::npos);
    CHECK(doctor_dir::findings(r, "jit_scim_role_unreachable").empty());

    // A recorded conflict alone (the mapping agrees today) is history, not a finding.
    doctor_dir agree(connection("okta", "[connection.scim]\nenabled = true"));
    make_scim_user(agree.db(), "u-agree", "ann@example.com", "okta", "editor",
                   assertion_with_role("ann@example.com", "editor"), agree.now);
    auto clean = agree.run();
    INFO(clean.out);
    CHECK(clean.exit_code == 0);

    // JIT off on the connection: JIT changes nothing, so nothing disagrees.
    doctor_dir off(connection("okta", "[connection.jit]\nenabled = false\n[connection.scim]\nenabled = true"));
    make_scim_user(off.db(), "u-scim", "sam@example.com", "okta", "editor",
                   assertion_with_role("sam@example.com", "member"), off.now);
    CHECK(doctor_dir::findings(off.run(), "jit_scim_disagree").empty());
}

TEST_CASE("doctor reports a role SCIM gives that JIT's role mapping can never produce", "[gateway][doctor]")
{
    // No role attribute read, only a group rule to member; default_role member.
    doctor_dir d(connection("okta", "[connection.jit.attributes]\nrole = []\n"
                                    "[connection.role_mapping]\ngroups = { \"Staff\" = \"member\" }\n"
                                    "[connection.scim]\nenabled = true"));
    make_scim_user(d.db(), "u1", "one@example.com", "okta", "owner", "", d.now);
    make_scim_user(d.db(), "u2", "two@example.com", "okta", "owner", "", d.now);
    make_scim_user(d.db(), "u3", "three@example.com", "okta", "member", "", d.now);
    auto r = d.run();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    auto f = doctor_dir::findings(r, "jit_scim_role_unreachable");
    REQUIRE(f.size() == 1);
    auto const message = std::string(f[0].at("message").as_string());
    CHECK(message.find("SCIM gives role owner to 2 user(s) of connection okta (one@example.com, two@example.com)") == 0);
    CHECK(f[0].at("commands").at(0) == "ssogate user explain one@example.com");
    CHECK(std::string(f[0].at("commands").at(1).as_string()).find("role_mapping.groups.GROUP = \"owner\"") !=
          std::string::npos);

    // With a rule that maps to owner, it is producible.
    doctor_dir fixed(connection("okta", "[connection.jit.attributes]\nrole = []\n"
                                        "[connection.role_mapping]\ngroups = { \"Staff\" = \"member\", \"Admins\" = \"owner\" }\n"
                                        "[connection.scim]\nenabled = true"));
    make_scim_user(fixed.db(), "u1", "one@example.com", "okta", "owner", "", fixed.now);
    CHECK(doctor_dir::findings(fixed.run(), "jit_scim_role_unreachable").empty());
}

TEST_CASE("seed scenario (3): a user JIT created before SCIM was enabled is listed with the adopt command",
          "[gateway][doctor][scenario]")
{
    // JIT creates alice through a real sign-in (SCIM off)…
    test::sso::sso_app app;
    test::sso::browser b;
    auto relay = app.start_login(b, "okta");
    test::sso::idp_response r;
    r.in_response_to = relay;
    REQUIRE(app.post_acs(b, r, relay).status == 303);
    // …then the admin enables SCIM on okta.
    std::ofstream(app.dir / "ssogate.toml") << "[store]\npath = \"ssogate.db\"\n\n"
                                           << connection("okta", "[connection.scim]\nenabled = true");
    std::vector<std::string> args{"ssogate", "--config", (app.dir / "ssogate.toml").string(), "doctor"};
    std::vector<char const*> argv;
    for (auto const& a : args)
        argv.push_back(a.c_str());
    static constexpr gateway::command_group groups[] = {gateway::add_doctor_command};
    std::ostringstream out, err;
    int rc = gateway::run_cli(4, argv.data(), groups, out, err);
    INFO(out.str() << err.str());
    CHECK(rc == 1);
    CHECK(out.str().find("[scim_not_owner] user alice@example.com") != std::string::npos);
    CHECK(out.str().find("    ssogate user adopt alice@example.com --connection okta\n") != std::string::npos);
}

TEST_CASE("doctor reports an SP or TLS key that other users may read, with the chmod that fixes it",
          "[gateway][doctor]")
{
    doctor_dir d(connection("okta"));
    auto const key = d.dir / "sp-key.pem";
    auto const tls_key = d.dir / "tls-key.pem";
    for (auto const& f : {key, tls_key, d.dir / "sp-cert.pem", d.dir / "tls-cert.pem"})
        std::ofstream(f) << "-----BEGIN PRIVATE KEY-----\n-----END PRIVATE KEY-----\n";
    std::ofstream(d.dir / "ssogate.toml", std::ios::app)
        << "\n[sp]\nkey = \"sp-key.pem\"\ncert = \"sp-cert.pem\"\n";
    namespace fs = std::filesystem;
    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write | fs::perms::group_read | fs::perms::others_read);
    fs::permissions(tls_key, fs::perms::owner_read | fs::perms::owner_write);

    auto r = d.run();
    INFO(r.out << r.err);
    CHECK(r.exit_code == 1);
    auto shared = doctor_dir::findings(r, "private_key_shared");
    REQUIRE(shared.size() == 1);
    CHECK(std::string(shared[0].at("message").as_string()).find("[sp] key") != std::string::npos);
    CHECK(std::string(shared[0].at("message").as_string()).find("0644") != std::string::npos);
    CHECK(std::string(shared[0].at("commands").at(0).as_string()) == "chmod 600 " + key.string());

    fs::permissions(key, fs::perms::owner_read | fs::perms::owner_write);
    CHECK(doctor_dir::findings(d.run(), "private_key_shared").empty());
}
