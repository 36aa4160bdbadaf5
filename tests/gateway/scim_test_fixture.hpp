#pragma once
// The SCIM tests' fixture: the real HTTPS server on loopback port 0 over a real SQLite
// store, with connections "okta" and "entra" (SCIM enabled) and "plain" (SCIM off),
// one SCIM token each for okta and entra, and a client that sends raw HTTP/1.1 with a
// bearer token (tls_client has no header parameter).
#include <ssogate/gateway/admin.hpp>
#include <ssogate/gateway/routes.hpp>
#include <ssogate/gateway/scim.hpp>
#include <ssogate/gateway/server.hpp>
#include <ssogate/gateway/tls.hpp>
#include <ssogate/store/owner.hpp>

#include "support/app_fixture.hpp"
#include "support/tls_client.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include <functional>
#include <string>

namespace ssogate::test::scim {

namespace json = boost::json;
using namespace std::chrono_literals;

inline gateway::server_options scim_server_options()
{
    gateway::server_options o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.read_timeout = 5s;
    o.idle_timeout = 5s;
    o.write_timeout = 5s;
    o.drain_timeout = 2s;
    return o;
}

/// A reply with its body parsed when it is JSON.
struct scim_reply {
    http_reply raw;
    json::value body;

    int status() const { return raw.status; }
    json::object const& object() const { return body.as_object(); }
    std::string str(std::string_view key) const
    {
        auto const* v = object().if_contains(key);
        return v && v->is_string() ? std::string(v->as_string()) : std::string();
    }
};

inline void add_connection(app_fixture& app, std::string const& id, bool scim_enabled, bool adopt_existing = false)
{
    gateway::connection_config c;
    c.id = id;
    c.name = id;
    c.scim.enabled = scim_enabled;
    c.scim.adopt_existing = adopt_existing;
    app.cfg.connections.push_back(c);
    auto tx = app.store->begin(store::access::write);
    REQUIRE(tx.has_value());
    store::connection_record row;
    row.id = id;
    row.display_name = id;
    row.created_at = test_now();
    row.updated_at = test_now();
    REQUIRE((*tx)->connections().create(row).has_value());
    REQUIRE((*tx)->commit().has_value());
}

struct scim_server {
    /// `tweak` changes the connections' settings (e.g. scim.role_attribute) before the
    /// server starts.
    explicit scim_server(bool okta_adopts = false, std::function<void(gateway::config&)> const& tweak = {})
        : ready(setup(okta_adopts, tweak)),
          tls(gateway::ensure_self_signed(app.dir / "tls", "127.0.0.1", test_now())),
          srv(scim_server_options(), tls,
              [this](gateway::http_request const& r) { return gateway::handle_request(app.ctx, r); },
              app.log.logger())
    {
        srv.start();
    }

    bool setup(bool okta_adopts, std::function<void(gateway::config&)> const& tweak)
    {
        add_connection(app, "okta", true, okta_adopts);
        add_connection(app, "entra", true);
        add_connection(app, "plain", false);
        if (tweak)
            tweak(app.cfg);
        auto actor = gateway::admin_actor{"cli", "tester", "", ""};
        auto okta_token = gateway::create_scim_token(*app.store, "okta", "okta", actor, app.ctx.random, test_now());
        REQUIRE(okta_token.has_value());
        okta = okta_token->secret;
        okta_token_id = okta_token->record.id;
        // The app's random source is deterministic: another pattern gives another secret.
        gateway::random_fn other = [](std::span<std::byte> out) {
            for (std::size_t i = 0; i < out.size(); ++i)
                out[i] = static_cast<std::byte>(i * 7 + 3);
        };
        auto entra_token = gateway::create_scim_token(*app.store, "entra", "entra", actor, other, test_now());
        REQUIRE(entra_token.has_value());
        entra = entra_token->secret;
        return true;
    }

    /// Sends one request on a fresh TLS connection. `secret` empty → no Authorization.
    /// `headers`: extra header lines, each ending in CRLF (e.g. "If-Match: W/\"1\"\r\n").
    scim_reply send(std::string const& method, std::string const& target, std::string const& body,
                    std::string const& secret, std::string const& headers = {})
    {
        tls_client c(srv.port());
        std::string raw = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: scim-test\r\n" + headers;
        if (!secret.empty())
            raw += "Authorization: Bearer " + secret + "\r\n";
        if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH")
            raw += "Content-Type: application/scim+json; charset=utf-8\r\nContent-Length: " +
                   std::to_string(body.size()) + "\r\n";
        raw += "Connection: close\r\n\r\n";
        raw += body;
        c.write_raw(raw);
        scim_reply r;
        r.raw = c.read_response(method == "HEAD");
        boost::system::error_code ec;
        r.body = json::parse(r.raw.body, ec);
        if (ec)
            r.body = nullptr;
        return r;
    }

    scim_reply okta_call(std::string const& method, std::string const& target, std::string const& body = {})
    {
        return send(method, "/scim/v2/okta" + target, body, okta);
    }
    scim_reply entra_call(std::string const& method, std::string const& target, std::string const& body = {})
    {
        return send(method, "/scim/v2/entra" + target, body, entra);
    }

    /// The audit events with this action, oldest first.
    std::vector<store::chained_audit_event> events(std::string const& action)
    {
        auto tx = app.store->begin(store::access::read);
        REQUIRE(tx.has_value());
        auto page = (*tx)->audit().after(0, 10'000, {action, ""});
        REQUIRE(page.has_value());
        return *page;
    }

    app_fixture app;
    std::string okta;
    std::string okta_token_id;
    std::string entra;
    bool ready;
    gateway::tls_files tls;
    gateway::server srv;
};

/// Checks the SCIM error shape: status as a string, scimType when given, media type.
inline void check_error(scim_reply const& r, int status, std::string const& scim_type)
{
    INFO(r.raw.body);
    CHECK(r.status() == status);
    CHECK(r.raw.header("content-type").find("application/scim+json") == 0);
    REQUIRE(r.body.is_object());
    CHECK(r.str("status") == std::to_string(status));
    CHECK(r.object().at("schemas").as_array().at(0).as_string() == "urn:ietf:params:scim:api:messages:2.0:Error");
    if (!scim_type.empty())
        CHECK(r.str("scimType") == scim_type);
    else
        CHECK_FALSE(r.object().contains("scimType"));
}

} // namespace ssogate::test::scim
