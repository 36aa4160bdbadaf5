// The single-resource flow that Users and Groups share (GET one, PUT, PATCH, DELETE),
// over the real server and store: which check answers first when several would fail,
// the 404 details, the response headers and the audit events' changes. These pin the
// behaviour gateway/src/scim/scim_resource_flow.hpp writes once for both kinds.
#include <ssogate/gateway/scim.hpp>

#include "scim_test_fixture.hpp"

using namespace ssogate;
using namespace ssogate::test::scim;

namespace {

std::string patch(std::string const& operations)
{
    return R"({"schemas":["urn:ietf:params:scim:api:messages:2.0:PatchOp"],"Operations":)" + operations + "}";
}

std::string const user_schema = "urn:ietf:params:scim:schemas:core:2.0:User";
std::string const group_schema = "urn:ietf:params:scim:schemas:core:2.0:Group";

std::string user_body(std::string const& user_name, bool active = true)
{
    return R"({"schemas":[")" + user_schema + R"("],"userName":")" + user_name + R"(","active":)" +
           (active ? "true" : "false") + "}";
}

std::string group_body(std::string const& display_name, std::string const& member_id = {})
{
    std::string members = member_id.empty() ? "" : R"(,"members":[{"value":")" + member_id + R"("}])";
    return R"({"schemas":[")" + group_schema + R"("],"displayName":")" + display_name + "\"" + members + "}";
}

/// The top-level keys of an event's changes, in the order they are stored.
std::vector<std::string> keys_of(store::chained_audit_event const& e)
{
    auto const changes = json::parse(e.event.changes_json);
    std::vector<std::string> keys;
    for (auto const& kv : changes.as_object())
        keys.emplace_back(kv.key());
    return keys;
}

} // namespace

TEST_CASE("PUT validates its body first: a bad User or Group body is 400 even for a missing or stale resource",
          "[gateway][scim][reject]")
{
    scim_server s;
    auto const uid = s.okta_call("POST", "/Users", user_body("put.order@example.com")).str("id");
    auto const gid = s.okta_call("POST", "/Groups", group_body("Put Order")).str("id");
    auto const no_user_name = R"({"schemas":[")" + user_schema + R"("]})";
    auto const no_display_name = R"({"schemas":[")" + group_schema + R"("]})";
    auto const stale = std::string("If-Match: W/\"9\"\r\n");

    check_error(s.okta_call("PUT", "/Users/does-not-exist", "{not json"), 400, "invalidSyntax");
    check_error(s.okta_call("PUT", "/Users/does-not-exist", no_user_name), 400, "invalidValue");
    check_error(s.send("PUT", "/scim/v2/okta/Users/" + uid, no_user_name, s.okta, stale), 400, "invalidValue");
    check_error(s.okta_call("PUT", "/Groups/does-not-exist", "{not json"), 400, "invalidSyntax");
    check_error(s.okta_call("PUT", "/Groups/does-not-exist", no_display_name), 400, "invalidValue");
    check_error(s.send("PUT", "/scim/v2/okta/Groups/" + gid, no_display_name, s.okta, stale), 400, "invalidValue");
    // A good body on a missing resource: 404.
    auto missing_user = s.okta_call("PUT", "/Users/does-not-exist", user_body("put.order@example.com"));
    check_error(missing_user, 404, "");
    CHECK(missing_user.str("detail") == "no such user");
    auto missing_group = s.okta_call("PUT", "/Groups/does-not-exist", group_body("Put Order"));
    check_error(missing_group, 404, "");
    CHECK(missing_group.str("detail") == "no such group");
    CHECK(s.events("scim.user.updated").empty());
    CHECK(s.events("scim.group.updated").empty());
}

TEST_CASE("PATCH checks the resource and its version before the operations: 404 when missing, 412 when stale, "
          "then 400",
          "[gateway][scim][reject]")
{
    scim_server s;
    auto const uid = s.okta_call("POST", "/Users", user_body("patch.order@example.com")).str("id");
    auto const gid = s.okta_call("POST", "/Groups", group_body("Patch Order")).str("id");
    auto const bad_op = patch(R"([{"op":"replace","path":"nosuch","value":"x"}])");
    auto const stale = std::string("If-Match: W/\"9\"\r\n");

    for (std::string const kind : {"Users", "Groups"}) {
        INFO(kind);
        auto const id = kind == "Users" ? uid : gid;
        // The body must be JSON before anything else.
        check_error(s.okta_call("PATCH", "/" + kind + "/does-not-exist", "{not json"), 400, "invalidSyntax");
        auto missing = s.okta_call("PATCH", "/" + kind + "/does-not-exist", bad_op);
        check_error(missing, 404, "");
        CHECK(missing.str("detail") == (kind == "Users" ? "no such user" : "no such group"));
        auto stale_reply = s.send("PATCH", "/scim/v2/okta/" + kind + "/" + id, bad_op, s.okta, stale);
        check_error(stale_reply, 412, "");
        CHECK(stale_reply.raw.header("etag") == "W/\"1\"");
        check_error(s.okta_call("PATCH", "/" + kind + "/" + id, bad_op), 400, "invalidPath");
    }
    CHECK(s.events("scim.user.updated").empty());
    CHECK(s.events("scim.group.updated").empty());
}

TEST_CASE("GET and DELETE of a missing User or Group answer 404 naming the kind", "[gateway][scim][reject]")
{
    scim_server s;
    for (auto const& [target, detail] : {std::pair{"/Users/does-not-exist", "no such user"},
                                         std::pair{"/Groups/does-not-exist", "no such group"}}) {
        INFO(target);
        auto got = s.okta_call("GET", target);
        check_error(got, 404, "");
        CHECK(got.str("detail") == detail);
        auto deleted = s.okta_call("DELETE", target);
        check_error(deleted, 404, "");
        CHECK(deleted.str("detail") == detail);
    }
    // A malformed projection is refused before the resource is looked up.
    check_error(s.okta_call("GET", "/Groups/does-not-exist?attributes=nosuch%5B"), 400, "invalidPath");
}

TEST_CASE("GET of one Group answers its Location and ETag, also when attributes leave meta out", "[gateway][scim]")
{
    scim_server s;
    auto const gid = s.okta_call("POST", "/Groups", group_body("Projected Team")).str("id");
    auto whole = s.okta_call("GET", "/Groups/" + gid);
    REQUIRE(whole.status() == 200);
    CHECK(whole.raw.header("etag") == "W/\"1\"");
    CHECK(whole.raw.header("location") == "https://127.0.0.1:8443/scim/v2/okta/Groups/" + gid);
    auto got = s.okta_call("GET", "/Groups/" + gid + "?attributes=displayName");
    REQUIRE(got.status() == 200);
    CHECK(got.str("displayName") == "Projected Team");
    CHECK(got.str("id") == gid);
    CHECK_FALSE(got.object().contains("members"));
    // The projection leaves meta out of the body; the headers still name the resource's
    // version and place (RFC 7644 §3.14), so If-None-Match works on projected reads.
    CHECK_FALSE(got.object().contains("meta"));
    CHECK(got.raw.header("etag") == "W/\"1\"");
    CHECK(got.raw.header("location") == "https://127.0.0.1:8443/scim/v2/okta/Groups/" + gid);
}

TEST_CASE("a PUT of a User or Group answers 200 with the new version, Location and ETag, and records before and after "
          "with its own keys",
          "[gateway][scim][audit]")
{
    scim_server s;
    auto const uid = s.okta_call("POST", "/Users", user_body("put.event@example.com")).str("id");
    auto const gid = s.okta_call("POST", "/Groups", group_body("Put Event")).str("id");

    auto user = s.okta_call("PUT", "/Users/" + uid, user_body("put.event@example.com", false));
    REQUIRE(user.status() == 200);
    CHECK(user.raw.header("etag") == "W/\"2\"");
    CHECK(user.raw.header("location") == "https://127.0.0.1:8443/scim/v2/okta/Users/" + uid);
    CHECK_FALSE(user.object().at("active").as_bool());
    auto deactivated = s.events("scim.user.deactivated");
    REQUIRE(deactivated.size() == 1);
    CHECK(deactivated[0].event.target == uid);
    CHECK(deactivated[0].event.actor_type == "scim");
    CHECK(deactivated[0].event.actor_id == s.okta_token_id);
    CHECK(deactivated[0].event.result_status == "success");
    CHECK(keys_of(deactivated[0]) == std::vector<std::string>{"before", "after", "owners", "sessions_ended"});

    auto reactivated = s.okta_call("PUT", "/Users/" + uid, user_body("put.event@example.com", true));
    REQUIRE(reactivated.status() == 200);
    auto updated = s.events("scim.user.updated");
    REQUIRE(updated.size() == 1);
    CHECK(keys_of(updated[0]) == std::vector<std::string>{"before", "after", "owners"});

    auto group = s.okta_call("PUT", "/Groups/" + gid, group_body("Put Event 2", uid));
    REQUIRE(group.status() == 200);
    CHECK(group.raw.header("etag") == "W/\"2\"");
    CHECK(group.raw.header("location") == "https://127.0.0.1:8443/scim/v2/okta/Groups/" + gid);
    CHECK(group.str("displayName") == "Put Event 2");
    auto group_updated = s.events("scim.group.updated");
    REQUIRE(group_updated.size() == 1);
    CHECK(group_updated[0].event.target == gid);
    CHECK(keys_of(group_updated[0]) ==
          std::vector<std::string>{"before", "after", "members_added", "members_removed"});
    auto const changes = json::parse(group_updated[0].event.changes_json).as_object();
    CHECK(changes.at("members_added") == json::array{json::value(uid)});
    CHECK(changes.at("members_removed").as_array().empty());
    CHECK(changes.at("before").at("displayName") == "Put Event");
    CHECK(changes.at("after").at("displayName") == "Put Event 2");

    // Creations record only the resource after.
    CHECK(keys_of(s.events("scim.user.created").at(0)) == std::vector<std::string>{"after"});
    CHECK(keys_of(s.events("scim.group.created").at(0)) == std::vector<std::string>{"after"});
}

TEST_CASE("DELETE of a User or Group answers 204 without a body and records only the resource before",
          "[gateway][scim][audit]")
{
    scim_server s;
    auto const uid = s.okta_call("POST", "/Users", user_body("delete.event@example.com")).str("id");
    auto const gid = s.okta_call("POST", "/Groups", group_body("Delete Event")).str("id");
    for (auto const& [target, action, id] : {std::tuple{"/Users/", "scim.user.deleted", uid},
                                             std::tuple{"/Groups/", "scim.group.deleted", gid}}) {
        INFO(target);
        auto deleted = s.okta_call("DELETE", target + id);
        CHECK(deleted.status() == 204);
        CHECK(deleted.raw.body.empty());
        auto ev = s.events(action);
        REQUIRE(ev.size() == 1);
        CHECK(ev[0].event.target == id);
        CHECK(keys_of(ev[0]) == std::vector<std::string>{"before"});
        CHECK(std::string(json::parse(ev[0].event.changes_json).at("before").at("id").as_string()) == id);
    }
}

TEST_CASE("a filter without an index scans at most 10,000 resources: beyond, Users and Groups answer tooMany naming "
          "their indexed attributes, and the indexed lookups still answer",
          "[gateway][scim][reject]")
{
    scim_server s;
    {
        // 10,001 users and groups in okta's SCIM view, written straight to the store.
        auto const now = test::test_now();
        auto tx = s.app.store->begin(store::access::write);
        REQUIRE(tx.has_value());
        bool written = true;
        for (std::size_t i = 0; written && i <= gateway::scim_max_filter_scan; ++i) {
            auto const id = "bulk-" + std::to_string(i);
            store::scim_user_record u;
            u.connection_id = "okta";
            u.user_id = id;
            u.user_name = id + "@example.com";
            u.resource_json = R"({"userName":")" + u.user_name + R"("})";
            u.created_at = now;
            u.updated_at = now;
            written = (*tx)->users().create({id, "scim:okta", true, now}).has_value() &&
                      (*tx)->scim().create_user(u).has_value() &&
                      (*tx)->teams().create({id, "Bulk " + std::to_string(i), "scim:okta", now, now}).has_value() &&
                      (*tx)->scim().create_group({"okta", id, std::nullopt, 1, now, now}).has_value();
        }
        REQUIRE(written);
        REQUIRE((*tx)->commit().has_value());
    }

    auto users = s.okta_call("GET", "/Users?filter=displayName%20eq%20%22x%22");
    check_error(users, 400, "tooMany");
    CHECK(users.str("detail") ==
          "this filter needs a scan of more than 10000 users; filter on userName or externalId with eq");
    auto groups = s.okta_call("GET", "/Groups?filter=displayName%20co%20%22x%22");
    check_error(groups, 400, "tooMany");
    CHECK(groups.str("detail") ==
          "this filter needs a scan of more than 10000 groups; filter on displayName or externalId with eq");

    auto user = s.okta_call("GET", "/Users?filter=userName%20eq%20%22bulk-7%40example.com%22");
    REQUIRE(user.status() == 200);
    CHECK(user.object().at("totalResults").as_int64() == 1);
    auto group = s.okta_call("GET", "/Groups?filter=displayName%20eq%20%22Bulk%207%22");
    REQUIRE(group.status() == 200);
    CHECK(group.object().at("totalResults").as_int64() == 1);
    // Without a filter the store pages: totalResults is the count, Resources the page.
    auto page = s.okta_call("GET", "/Groups?startIndex=10001&count=5");
    REQUIRE(page.status() == 200);
    CHECK(page.object().at("totalResults").as_int64() == 10'001);
    CHECK(page.object().at("Resources").as_array().size() == 1);
}
