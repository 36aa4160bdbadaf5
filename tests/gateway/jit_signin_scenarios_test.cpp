// Issue 5's scenario table, store-backed: every row signs in through the real ACS
// handler (sso_fixture: real SQLite store, real signed responses, no sockets), then
// reads the users back from the store and the audit events the sign-in appended.
// The pure planner has the same table in tests/jit/planner_scenarios_test.cpp; this
// one proves the gateway reads the state, applies the plan and records it as planned.
#include <ssogate/gateway/connections.hpp>
#include <ssogate/jit/identity.hpp>
#include <ssogate/jit/plan_json.hpp>
#include <ssogate/saml/keys.hpp>
#include <ssogate/saml/sign.hpp>
#include <ssogate/store/owner.hpp>

#include "support/sso_fixture.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <openssl/evp.h>

#include <algorithm>
#include <functional>
#include <stdexcept>

using namespace ssogate;
using namespace ssogate::test::sso;

namespace {

// ---------------------------------------------------------------------------------
// What the IdP asserts

struct attribute {
    std::string name;
    /// No values: the attribute is present and explicitly empty.
    std::vector<std::string> values;
};

struct assertion {
    std::string connection = "okta";
    std::string name_id = "00u1";
    std::vector<attribute> attributes;
};

/// Alice at the IdP: persistent NameID 00u1, email, given and family name, group eng-all.
assertion alice(std::vector<attribute> extra = {}, std::vector<std::string> groups = {"eng-all"})
{
    assertion a;
    a.attributes = {{"email", {"alice@example.com"}}, {"firstName", {"Alice"}}, {"lastName", {"Liddell"}},
                    {"groups", std::move(groups)}};
    a.attributes.insert(a.attributes.end(), extra.begin(), extra.end());
    return a;
}

/// `a` with attribute `name` replaced by `values` (removed when `values` is nullopt).
assertion with(assertion a, std::string const& name, std::optional<std::vector<std::string>> values)
{
    std::erase_if(a.attributes, [&](attribute const& at) { return at.name == name; });
    if (values)
        a.attributes.push_back({name, std::move(*values)});
    return a;
}

/// Alice whose IdP now sends the given name Alicia, a display name and role Editor.
assertion alice_changed()
{
    return with(with(with(alice(), "firstName", std::vector<std::string>{"Alicia"}), "displayName",
                     std::vector<std::string>{"Alicia L."}),
                "role", std::vector<std::string>{"Editor"});
}

std::string xml_text(std::string const& s)
{
    std::string out;
    for (char c : s) {
        if (c == '&')
            out += "&amp;";
        else if (c == '<')
            out += "&lt;";
        else if (c == '"')
            out += "&quot;";
        else
            out += c;
    }
    return out;
}

std::string base64(std::string const& in)
{
    std::string out(4 * ((in.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<unsigned char const*>(in.data()), static_cast<int>(in.size()));
    out.resize(static_cast<std::size_t>(n));
    return out;
}

/// A Response to `in_response_to` with the assertion signed by tests/data/saml/keys/idp.key
/// (the fixture's builder has fixed attributes; these scenarios need absent and empty ones).
std::string signed_response(sso_app const& app, assertion const& a, std::string const& assertion_id,
                            std::string const& in_response_to)
{
    auto t = [&](int seconds) { return jit::to_iso8601(*app.now + std::chrono::seconds(seconds)); };
    std::string const acs = std::string(public_url) + "/sso/acs/" + a.connection;
    std::string const irt = " InResponseTo=\"" + in_response_to + "\"";
    std::string attrs;
    for (auto const& at : a.attributes) {
        attrs += "<saml:Attribute Name=\"" + xml_text(at.name) + "\">";
        for (auto const& v : at.values)
            attrs += "<saml:AttributeValue>" + xml_text(v) + "</saml:AttributeValue>";
        attrs += "</saml:Attribute>";
    }
    std::string const xml =
        "<samlp:Response xmlns:samlp=\"urn:oasis:names:tc:SAML:2.0:protocol\" "
        "xmlns:saml=\"urn:oasis:names:tc:SAML:2.0:assertion\" ID=\"_r"
        + assertion_id + "\" Version=\"2.0\" IssueInstant=\"" + t(-1) + "\" Destination=\"" + acs + "\"" + irt
        + "><saml:Issuer>" + idp_entity
        + "</saml:Issuer><samlp:Status><samlp:StatusCode Value=\"urn:oasis:names:tc:SAML:2.0:status:Success\"/>"
          "</samlp:Status><saml:Assertion ID=\"_a"
        + assertion_id + "\" Version=\"2.0\" IssueInstant=\"" + t(-1) + "\"><saml:Issuer>" + idp_entity
        + "</saml:Issuer><saml:Subject><saml:NameID Format=\"" + std::string(jit::nameid_format_persistent) + "\">"
        + xml_text(a.name_id)
        + "</saml:NameID><saml:SubjectConfirmation Method=\"urn:oasis:names:tc:SAML:2.0:cm:bearer\">"
          "<saml:SubjectConfirmationData"
        + irt + " NotOnOrAfter=\"" + t(300) + "\" Recipient=\"" + acs
        + "\"/></saml:SubjectConfirmation></saml:Subject><saml:Conditions NotBefore=\"" + t(-60)
        + "\" NotOnOrAfter=\"" + t(300) + "\"><saml:AudienceRestriction><saml:Audience>" + public_url
        + "/sso/metadata</saml:Audience></saml:AudienceRestriction></saml:Conditions>"
          "<saml:AuthnStatement AuthnInstant=\""
        + t(-2)
        + "\" SessionIndex=\"_session-1\"><saml:AuthnContext><saml:AuthnContextClassRef>"
          "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport</saml:AuthnContextClassRef>"
          "</saml:AuthnContext></saml:AuthnStatement><saml:AttributeStatement>"
        + attrs + "</saml:AttributeStatement></saml:Assertion></samlp:Response>";
    auto key = saml::private_key::from_pem(test::read_file(test::data_path("saml/keys/idp.key")));
    if (!key)
        throw std::runtime_error("cannot load idp.key");
    auto signed_xml = saml::sign_element(xml, "_a" + assertion_id, *key);
    if (!signed_xml)
        throw std::runtime_error("signing failed: " + signed_xml.error().message());
    return base64(*signed_xml);
}

/// One SP-initiated sign-in in a fresh browser: login, then the ACS with the response.
gateway::http_response sign_in(sso_app& app, assertion const& a)
{
    static int counter = 0;
    browser b;
    auto const relay = app.start_login(b, a.connection);
    auto const body = "SAMLResponse=" + url_encode(signed_response(app, a, std::to_string(++counter), relay))
                      + "&RelayState=" + url_encode(relay);
    app.advance(std::chrono::seconds(60));
    return app.post(b, "/sso/acs/" + a.connection, body);
}

// ---------------------------------------------------------------------------------
// What the store holds afterwards

std::string owned(std::string const& what, std::string const& owner) { return what + " (" + owner + ")"; }

/// Every user as lines `<email>: <fact>`, and pending link requests, sorted.
std::vector<std::string> store_state(sso_app& app)
{
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    auto& t = **tx;
    auto users = t.users().list("", 1000);
    REQUIRE(users.has_value());
    std::vector<std::string> lines;
    std::map<std::string, std::string> email_of;
    for (auto const& u : *users) {
        auto const who = u.email.value_or("(no email)") + ": ";
        email_of[u.id] = u.email.value_or("(no email)");
        lines.push_back(who + "created by " + u.created_by + (u.active ? "" : ", inactive"));
        for (auto const& i : t.users().identities(u.id).value())
            lines.push_back(who + "identity " + i.connection_id + "/" + i.subject);
        for (auto const& a : t.users().attributes(u.id).value())
            lines.push_back(who + owned(a.name + " " + a.value, a.owner));
        for (auto const& r : t.users().roles(u.id).value())
            lines.push_back(who + owned("role " + r.role, r.owner));
        for (auto const& m : t.teams().memberships_of(u.id).value())
            lines.push_back(who + owned("team " + t.teams().find(m.team_id).value()->name, m.owner));
    }
    for (auto const& p : t.link_approvals().pending().value())
        lines.push_back("pending link " + p.connection_id + "/" + p.subject + " -> " + email_of[p.user_id]);
    std::sort(lines.begin(), lines.end());
    return lines;
}

struct recorded {
    /// `action` or `action reason`, in seq order.
    std::vector<std::string> actions;
    /// Every string leaf of every event's changes as `key=value`, one per line.
    std::string changes;
    std::vector<store::audit_event> events;
};

void flatten(boost::json::value const& v, std::string const& key, std::string& out)
{
    if (v.is_object())
        for (auto const& [k, x] : v.as_object())
            flatten(x, std::string(k), out);
    else if (v.is_array())
        for (auto const& x : v.as_array())
            flatten(x, key, out);
    else if (v.is_string())
        out += key + "=" + std::string(v.as_string()) + "\n";
}

std::int64_t last_seq(sso_app& app)
{
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    return (*tx)->audit().last_seq().value();
}

recorded events_after(sso_app& app, std::int64_t seq)
{
    auto tx = app.store->begin(store::access::read);
    REQUIRE(tx.has_value());
    recorded r;
    for (auto const& e : (*tx)->audit().after(seq, 1000, {}).value()) {
        r.actions.push_back(e.event.action + (e.event.result_reason.empty() ? "" : " " + e.event.result_reason));
        if (!e.event.changes_json.empty())
            flatten(boost::json::parse(e.event.changes_json), "", r.changes);
        r.events.push_back(e.event);
    }
    return r;
}

// ---------------------------------------------------------------------------------
// The table

/// Connection okta maps group eng-all → Engineering, pay-all → Payments, groups
/// `acme:<team>` by convention, role value Editor → editor, group acme:Admins → owner,
/// and creates the teams it maps; everything else is the config default (each_login,
/// merge, default_role member, link deny). Partner keeps the defaults.
void baseline(gateway::config& cfg)
{
    auto& okta = cfg.connections.at(0);
    okta.teams.groups = {{"eng-all", {"Engineering"}}, {"pay-all", {"Payments"}}};
    okta.teams.organization_convention = true;
    okta.teams.organization = "acme";
    okta.roles.attribute_values = {{"Editor", "editor"}};
    okta.roles.groups = {{"acme:Admins", "owner"}};
    okta.jit.create_teams = true;
}

gateway::connection_config& okta(gateway::config& cfg) { return cfg.connections.at(0); }
gateway::connection_config& partner(gateway::config& cfg) { return cfg.connections.at(1); }

std::string user_id_of(store::transaction& t, std::string const& email)
{
    auto u = t.users().find_by_email(email);
    REQUIRE(u.has_value());
    REQUIRE(u->has_value());
    return (**u).id;
}

struct scenario {
    std::string name;
    /// Edits the config after `baseline` (the registry is rebuilt from it).
    std::function<void(gateway::config&)> configure;
    /// Sign-ins before the one under test; each must succeed.
    std::vector<assertion> earlier;
    /// Writes to the store after the earlier sign-ins (SCIM or admin values, the JIT switch).
    std::function<void(store::transaction&)> seed;
    assertion signin;
    /// 303 (signed in) or 403 (refused).
    int status = 303;
    /// The whole store afterwards (store_state).
    std::vector<std::string> state;
    /// The audit events of the sign-in under test (`action reason`).
    std::vector<std::string> actions;
    /// Lines `key=value` that the events' changes must contain.
    std::vector<std::string> changes_has = {};
    /// Sentences the page must contain (denials).
    std::vector<std::string> page_has = {};
};

std::vector<std::string> const alice_created = {
    "alice@example.com: created by jit:okta",
    "alice@example.com: identity okta/00u1",
    "alice@example.com: email alice@example.com (jit:okta)",
    "alice@example.com: family_name Liddell (jit:okta)",
    "alice@example.com: given_name Alice (jit:okta)",
    "alice@example.com: role member (jit:okta)",
    "alice@example.com: team Engineering (jit:okta)",
};

/// alice_created with `line` replaced (by `by`, or removed when `by` is empty) or appended.
std::vector<std::string> alice_with(std::vector<std::pair<std::string, std::string>> edits)
{
    auto lines = alice_created;
    for (auto const& [line, by] : edits) {
        auto it = std::find(lines.begin(), lines.end(), "alice@example.com: " + line);
        if (it == lines.end() && !by.empty())
            lines.push_back("alice@example.com: " + by);
        else if (it != lines.end() && by.empty())
            lines.erase(it);
        else if (it != lines.end())
            *it = "alice@example.com: " + by;
    }
    return lines;
}

void disable_jit(store::transaction& t)
{
    REQUIRE(t.connections().set_jit_enabled("okta", false, std::chrono::system_clock::time_point{}).value());
}

std::vector<scenario> scenarios()
{
    auto const sync = [](gateway::config& c) { okta(c).jit.groups = gateway::group_sync_mode::sync; };
    auto const two_teams = alice({}, {"eng-all", "pay-all"});
    auto const alice_two_teams = alice_with({{"", "team Payments (jit:okta)"}});
    assertion from_partner = alice();
    from_partner.connection = "partner";
    from_partner.name_id = "p-42";

    return {
        {"a first sign-in creates the user with JIT-owned values, the default role and the mapped team",
         {}, {}, {}, alice(), 303, alice_created,
         {"jit.user.created", "sso.login.succeeded"},
         {"decision=create", "teams_created=Engineering", "role=member", "owner=jit:okta"}},

        {"a second sign-in under each_login writes the changed attributes and the new role",
         {}, {alice()}, {}, alice_changed(), 303,
         alice_with({{"given_name Alice (jit:okta)", "given_name Alicia (jit:okta)"},
                     {"role member (jit:okta)", "role editor (jit:okta)"},
                     {"", "display_name Alicia L. (jit:okta)"}}),
         {"jit.user.updated", "sso.login.succeeded"},
         {"decision=update", "before=Alice", "after=Alicia", "after=Alicia L.", "role=editor"}},

        {"a second sign-in under on_create only fills the value the user does not have yet",
         [](auto& c) { okta(c).jit.update = gateway::update_mode::on_create; }, {alice()}, {}, alice_changed(), 303,
         alice_with({{"", "display_name Alicia L. (jit:okta)"}}),
         {"jit.user.updated", "sso.login.succeeded"},
         {"field=display_name", "after=Alicia L."}},

        {"a second sign-in under never writes nothing",
         [](auto& c) { okta(c).jit.update = gateway::update_mode::never; }, {alice()}, {}, alice_changed(), 303,
         alice_created, {"sso.login.succeeded"}},

        {"with JIT off in the store row a new user is refused with jit_disabled, in words, with the email audited",
         {}, {}, disable_jit, alice(), 403, {},
         {"sso.login.denied jit_disabled"},
         {"email=alice@example.com", R"(detail=no user for okta subject "00u1" (email "alice@example.com") and JIT )"
                                     "provisioning is off for okta"},
         {"You do not have an account here yet", "Ask your administrator"}},

        {"with JIT off in the store row an existing user signs in and nothing is written",
         {}, {alice()}, disable_jit, alice_changed(), 303, alice_created, {"sso.login.succeeded"}},

        {"a SCIM-owned role that differs from the assertion is a conflict and nothing is written",
         {}, {alice()},
         [](store::transaction& t) {
             auto const id = user_id_of(t, "alice@example.com");
             REQUIRE(t.users().revoke_role(id, "member", {}).value());
             REQUIRE(t.users().grant_role(id, {"editor", store::owner_scim("okta"), {}, std::nullopt}).has_value());
         },
         alice({{"role", {"member"}}}), 303,
         alice_with({{"role member (jit:okta)", "role editor (scim:okta)"}}),
         {"provision.conflict", "sso.login.succeeded"},
         {"kind=role", "assertion_value=member", "stored_value=editor", "stored_owner=scim:okta"}},

        {"a SCIM-owned name that differs from the assertion is a conflict and is kept",
         {}, {alice()},
         [](store::transaction& t) {
             auto const id = user_id_of(t, "alice@example.com");
             REQUIRE(t.users().set_attribute(id, {"given_name", "Ally", store::owner_scim("okta"), {}, std::nullopt})
                         .has_value());
         },
         alice(), 303, alice_with({{"given_name Alice (jit:okta)", "given_name Ally (scim:okta)"}}),
         {"provision.conflict", "sso.login.succeeded"},
         {"kind=profile", "item=given_name", "assertion_value=Alice", "stored_value=Ally", "stored_owner=scim:okta"}},

        {"an admin-granted team is kept under sync and the refusal to remove it is recorded",
         sync, {alice()},
         [](store::transaction& t) {
             REQUIRE(t.teams().create({"team-board", "Board", std::string(store::owner_admin), {}, {}}).has_value());
             auto const id = user_id_of(t, "alice@example.com");
             REQUIRE(t.teams()
                         .add_member({id, "team-board", std::string(store::owner_admin), {}, std::nullopt})
                         .has_value());
         },
         alice(), 303, alice_with({{"", "team Board (admin)"}}),
         {"provision.conflict", "sso.login.succeeded"},
         {"kind=team", "item=Board", "stored_owner=admin"}},

        {"a group removed at the IdP under merge removes no membership",
         {}, {two_teams}, {}, alice(), 303, alice_two_teams, {"sso.login.succeeded"}},

        {"a group removed at the IdP under sync removes the JIT-owned membership",
         sync, {two_teams}, {}, alice(), 303, alice_created,
         {"jit.user.updated", "sso.login.succeeded"},
         {"team=Payments"}},

        {"an absent groups attribute changes no membership, even under sync",
         sync, {two_teams}, {}, with(alice(), "groups", std::nullopt), 303, alice_two_teams,
         {"sso.login.succeeded"}},

        {"an explicitly empty groups attribute under sync removes the JIT-owned memberships",
         sync, {two_teams}, {}, with(alice(), "groups", std::vector<std::string>{}), 303,
         alice_with({{"team Engineering (jit:okta)", ""}}),
         {"jit.user.updated", "sso.login.succeeded"},
         {"team=Engineering", "team=Payments"}},

        {"an explicitly empty groups attribute under merge removes nothing",
         {}, {two_teams}, {}, with(alice(), "groups", std::vector<std::string>{}), 303, alice_two_teams,
         {"sso.login.succeeded"}},

        {"one malformed group among valid ones is skipped and reported; the others still apply",
         {}, {}, {}, alice({}, {"eng-all", "acme:", "acme:Pay:ments", "acme:Research", "pay-all"}), 303,
         alice_with({{"", "team Payments (jit:okta)"}, {"", "team Research (jit:okta)"}}),
         {"jit.user.created", "provision.skipped", "provision.skipped", "sso.login.succeeded"},
         {"source=group", "value=acme:", "value=acme:Pay:ments", "reason=bad_team_shape", "attribute=groups"}},

        {"an email change at the IdP updates the email of the same user",
         {}, {alice()}, {}, with(alice(), "email", std::vector<std::string>{"alice.liddell@example.com"}), 303,
         [] {
             auto lines = alice_with(
                 {{"email alice@example.com (jit:okta)", "email alice.liddell@example.com (jit:okta)"}});
             for (auto& l : lines)
                 l.replace(0, std::string("alice@example.com").size(), "alice.liddell@example.com");
             return lines;
         }(),
         {"jit.user.updated", "sso.login.succeeded"},
         {"before=alice@example.com", "after=alice.liddell@example.com"}},

        {"the same email from a second connection is refused under link deny, naming both identities",
         {}, {alice()}, {}, from_partner, 403, alice_created,
         {"sso.login.denied link_denied"},
         {"email=alice@example.com"},
         {"An account with your email address already exists"}},

        {"the same email from a second connection links under verified_domain when the domain is verified",
         [](auto& c) {
             partner(c).jit.link = gateway::link_policy::verified_domain;
             partner(c).domains.push_back("example.com");
         },
         {alice()}, {}, from_partner, 303,
         alice_with({{"", "identity partner/p-42"}}),
         {"jit.user.linked", "sso.login.succeeded"},
         {"kind=verified_domain"}},

        {"the same email from a second connection is refused under verified_domain when the domain is not verified",
         [](auto& c) { partner(c).jit.link = gateway::link_policy::verified_domain; }, {alice()}, {}, from_partner,
         403, alice_created, {"sso.login.denied link_denied"}, {"email=alice@example.com"}},

        {"the same email from a second connection is queued under admin_approval",
         [](auto& c) { partner(c).jit.link = gateway::link_policy::admin_approval; }, {alice()}, {}, from_partner,
         403, [] {
             auto lines = alice_created;
             lines.push_back("pending link partner/p-42 -> alice@example.com");
             return lines;
         }(),
         {"sso.login.denied link_pending_approval"}, {"email=alice@example.com"},
         {"waiting for an administrator"}},

        {"a role from a group rule outranks the role attribute: highest wins",
         {}, {}, {}, alice({{"role", {"Editor"}}}, {"eng-all", "acme:Admins"}), 303,
         alice_with({{"role member (jit:okta)", "role owner (jit:okta)"}, {"", "team Admins (jit:okta)"}}),
         {"jit.user.created", "sso.login.succeeded"}, {"role=owner"}},

        {"a role from the role attribute outranks a group rule: highest wins",
         [](auto& c) { okta(c).roles.groups = {{"eng-all", "editor"}}; }, {}, {}, alice({{"role", {"owner"}}}), 303,
         alice_with({{"role member (jit:okta)", "role owner (jit:okta)"}}),
         {"jit.user.created", "sso.login.succeeded"}, {"role=owner"}},

        {"default_role applies when nothing maps",
         [](auto& c) { okta(c).jit.default_role = "editor"; }, {}, {}, alice({{"role", {"Viewer"}}}), 303,
         alice_with({{"role member (jit:okta)", "role editor (jit:okta)"}}),
         {"jit.user.created", "provision.skipped", "sso.login.succeeded"},
         {"role=editor", "value=Viewer", "reason=role_unknown"}},
    };
}

} // namespace

TEST_CASE("sign-in through the ACS applies every scenario of issue 5 to the store and audits it",
          "[gateway][sso][jit][scenario]")
{
    for (auto const& s : scenarios()) {
        DYNAMIC_SECTION(s.name)
        {
            sso_app app;
            baseline(app.cfg);
            if (s.configure)
                s.configure(app.cfg);
            app.connections = gateway::connection_registry::build(app.cfg);

            for (auto const& a : s.earlier) {
                auto res = sign_in(app, a);
                INFO(res.body);
                REQUIRE(res.status == 303);
            }
            if (s.seed) {
                auto tx = app.store->begin(store::access::write);
                REQUIRE(tx.has_value());
                s.seed(**tx);
                REQUIRE((*tx)->commit().has_value());
            }
            auto const mark = last_seq(app);
            auto const before = store_state(app);

            auto res = sign_in(app, s.signin);
            INFO(res.body);
            CHECK(res.status == s.status);
            auto const after = store_state(app);
            auto expected = s.state;
            std::sort(expected.begin(), expected.end());
            CHECK(after == expected);
            if (s.status != 303) { // a refusal writes nothing but its audit event (and a queued link)
                auto users_after = after;
                std::erase_if(users_after, [](std::string const& l) { return l.rfind("pending link ", 0) == 0; });
                CHECK(users_after == before);
            }

            auto const rec = events_after(app, mark);
            CHECK(rec.actions == s.actions);
            INFO(rec.changes);
            for (auto const& line : s.changes_has)
                CHECK_THAT(rec.changes, Catch::Contains(line + "\n"));
            for (auto const& e : rec.events)
                if (e.action == "sso.login.denied")
                    CHECK(e.target == "alice@example.com");
            for (auto const& sentence : s.page_has)
                CHECK_THAT(res.body, Catch::Contains(sentence));
        }
    }
}

TEST_CASE("a link_denied audit event names both identities", "[gateway][sso][jit]")
{
    sso_app app;
    REQUIRE(sign_in(app, alice()).status == 303);
    auto a = alice();
    a.connection = "partner";
    a.name_id = "p-42";
    auto const mark = last_seq(app);
    REQUIRE(sign_in(app, a).status == 403);
    auto const rec = events_after(app, mark);
    REQUIRE(rec.events.size() == 1);
    auto const detail = std::string(boost::json::parse(rec.events[0].changes_json).at("detail").as_string());
    CHECK_THAT(detail, Catch::Contains("partner subject \"p-42\""));
    CHECK_THAT(detail, Catch::Contains("okta subject \"00u1\""));
    CHECK_THAT(detail, Catch::Contains("alice@example.com"));
}
