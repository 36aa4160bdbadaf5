// `ssogate scim token create|revoke|list` and `ssogate user adopt` (issue 7), run in
// process through run_cli on a real config file and store.
#include <ssogate/gateway/cli.hpp>

#include <catch2/catch.hpp>

#include <ssogate/gateway/scim.hpp>
#include <ssogate/store/sqlite.hpp>

#include "../../gateway/src/cli/user_adopt_command.hpp"
#include "temp_dir.hpp"

#include <CLI/CLI.hpp>
#include <boost/json.hpp>

#include <fstream>
#include <sstream>

using namespace ssogate;

namespace {

void user_group(CLI::App& app, gateway::cli_context& ctx)
{
    auto* user = app.add_subcommand("user", "Users");
    user->require_subcommand(1);
    gateway::add_user_adopt_command(*user, ctx);
}

struct cli_env {
    cli_env()
    {
        std::ofstream(dir / "ssogate.toml") << "[store]\npath = \"scim.db\"\n\n"
                                               "[[connection]]\nid = \"okta\"\nidp_metadata_file = \"okta.xml\"\n"
                                               "[connection.scim]\nenabled = true\n";
    }

    int run(std::vector<std::string> args)
    {
        out.str({});
        err.str({});
        args.insert(args.begin(), {"ssogate", "--config", (dir / "ssogate.toml").string()});
        std::vector<char const*> argv;
        for (auto const& a : args)
            argv.push_back(a.c_str());
        static constexpr gateway::command_group groups[] = {gateway::add_scim_commands, user_group};
        return gateway::run_cli(static_cast<int>(argv.size()), argv.data(), groups, out, err);
    }

    std::unique_ptr<store::store> open()
    {
        auto s = store::open_sqlite(dir / "scim.db");
        REQUIRE(s.has_value());
        return std::move(*s);
    }

    test::temp_dir dir;
    std::ostringstream out;
    std::ostringstream err;
};

} // namespace

TEST_CASE("scim token create prints the secret alone once, stores it hashed, and revoke ends it", "[gateway][scim][cli]")
{
    cli_env env;
    REQUIRE(env.run({"scim", "token", "create", "okta", "--name", "okta-prod"}) == 0);
    auto const secret = env.out.str();
    REQUIRE(secret.rfind("sgscim_", 0) == 0);
    CHECK(secret.find('\n') == secret.size() - 1);
    CHECK(env.err.str().find("/scim/v2/okta") != std::string::npos);

    REQUIRE(env.run({"scim", "token", "list", "--json"}) == 0);
    auto const listed = boost::json::parse(env.out.str()).as_object();
    CHECK(listed.at("connection").as_string() == "okta");
    CHECK(listed.at("revoked_at").is_null());
    CHECK(env.out.str().find(secret.substr(0, secret.size() - 1)) == std::string::npos);
    auto const id = std::string(listed.at("id").as_string());
    {
        auto db = env.open();
        auto tx = db->begin(store::access::read);
        auto found = (*tx)->tokens().find_active(secret.substr(0, secret.size() - 1));
        REQUIRE(found->has_value());
        CHECK((*found)->kind == store::token_kind::scim);
        auto ev = (*tx)->audit().after(0, 10, {"scim.token.created", ""});
        CHECK(ev->size() == 1);
    }
    REQUIRE(env.run({"scim", "token", "revoke", id}) == 0);
    CHECK(env.run({"scim", "token", "revoke", id}) == 1);
    CHECK(env.run({"scim", "token", "create", "nope"}) == 2);
}

TEST_CASE("user adopt prints what changes owner; --dry-run writes nothing; the real run moves it to scim",
          "[gateway][scim][cli][adopt]")
{
    cli_env env;
    REQUIRE(env.run({"scim", "token", "list"}) == 0); // creates the store
    {
        auto db = env.open();
        auto tx = db->begin(store::access::write);
        auto& t = **tx;
        auto const at = store::time_point{} + std::chrono::seconds(1'700'000'000);
        store::connection_record c;
        c.id = "okta";
        c.display_name = "okta";
        c.owner = store::connection_owner::file;
        c.created_at = at;
        c.updated_at = at;
        REQUIRE(t.connections().create(c).has_value());
        REQUIRE(t.users().create({"bob-id", "jit:okta", true, at}).has_value());
        REQUIRE(t.users().set_attribute("bob-id", {"email", "bob@example.com", "jit:okta", at, std::nullopt}).has_value());
        REQUIRE(t.users().set_attribute("bob-id", {"title", "Eng", "jit:entra", at, std::nullopt}).has_value());
        REQUIRE(t.users().grant_role("bob-id", {"editor", "admin", at, std::nullopt}).has_value());
        REQUIRE(t.teams().create({"team-1", "Platform", "jit:okta", at, at}).has_value());
        REQUIRE(t.teams().add_member({"bob-id", "team-1", "jit:okta", at, std::nullopt}).has_value());
        REQUIRE(t.commit().has_value());
    }

    REQUIRE(env.run({"user", "adopt", "bob@example.com", "--connection", "okta", "--dry-run"}) == 0);
    auto const plan = env.out.str();
    INFO(plan);
    CHECK(plan.find("would adopt user bob-id") != std::string::npos);
    CHECK(plan.find("attribute email \"bob@example.com\": jit:okta -> scim:okta") != std::string::npos);
    CHECK(plan.find("role editor: admin -> scim:okta") != std::string::npos);
    CHECK(plan.find("membership Platform: jit:okta -> scim:okta") != std::string::npos);
    CHECK(plan.find("title") == std::string::npos); // another connection's value stays
    {
        auto db = env.open();
        auto tx = db->begin(store::access::read);
        CHECK(*(*tx)->scim().count_users("okta") == 0);
        CHECK((*tx)->teams().memberships_of("bob-id")->at(0).owner == "jit:okta");
        CHECK((*tx)->audit().after(0, 10, {"scim.user.adopted", ""})->empty());
    }

    REQUIRE(env.run({"user", "adopt", "bob@example.com", "--connection", "okta"}) == 0);
    {
        auto db = env.open();
        auto tx = db->begin(store::access::read);
        auto row = (*tx)->scim().find_user("okta", "bob-id");
        REQUIRE(row->has_value());
        CHECK((*row)->user_name == "bob@example.com");
        CHECK((*tx)->teams().memberships_of("bob-id")->at(0).owner == "scim:okta");
        CHECK((*tx)->users().roles("bob-id")->at(0).owner == "scim:okta");
        auto ev = (*tx)->audit().after(0, 10, {"scim.user.adopted", ""});
        REQUIRE(ev->size() == 1);
        CHECK((*ev)[0].event.actor_type == "cli");
    }
    REQUIRE(env.run({"user", "adopt", "bob@example.com", "--connection", "okta"}) == 0);
    CHECK(env.out.str().find("already provisioned by SCIM") != std::string::npos);
    CHECK(env.run({"user", "adopt", "nobody@example.com", "--connection", "okta"}) == 1);
}
