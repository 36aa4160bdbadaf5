#pragma once
// A complete sign-in setup for the sso handler tests, without sockets: a config with
// two connections whose IdP metadata carries tests/data/saml/keys/idp.crt, the registry
// built from it, a real SQLite store in a temporary directory with the connections
// synced, a clock the test can move and a deterministic random source whose values
// never repeat. `browser` keeps cookies the way a browser would for one site.
#include <ssogate/gateway/app_context.hpp>
#include <ssogate/gateway/config.hpp>
#include <ssogate/gateway/connections.hpp>
#include <ssogate/gateway/http.hpp>
#include <ssogate/gateway/logger.hpp>
#include <ssogate/saml/library.hpp>
#include <ssogate/store/sqlite.hpp>

#include "support/app_fixture.hpp"
#include "temp_dir.hpp"

#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace ssogate::test::sso {

inline constexpr char public_url[] = "https://sso.example.test";
inline constexpr char idp_entity[] = "https://idp.example.test/metadata";
inline constexpr char idp_sso_url[] = "https://idp.example.test/sso";

/// One browser: a cookie jar for ssogate's origin.
struct browser {
    std::map<std::string, std::string> cookies;
    /// Applies every Set-Cookie of `res` (Max-Age=0 deletes).
    void take_cookies(gateway::http_response const& res);
    /// The Cookie header value.
    [[nodiscard]] std::string cookie_header() const;
};

/// What the IdP puts in the response; defaults make a valid sign-in for alice.
struct idp_response {
    std::string connection = "okta";
    /// InResponseTo; nullopt for an unsolicited response.
    std::optional<std::string> in_response_to;
    std::string assertion_id = "_assertion-1";
    std::string name_id = "alice@example.com";
    std::string email = "alice@example.com";
    std::string display_name = "Alice Liddell";
    std::string role = "editor";
    std::vector<std::string> groups{"engineering"};
    /// Key from tests/data/saml/keys that signs the assertion ("attacker" for a bad signature).
    std::string signing_key = "idp";
    std::chrono::seconds valid_for{300};
};

struct sso_app {
    sso_app();

    saml::library_guard guard;
    temp_dir dir;
    gateway::config cfg;
    std::unique_ptr<store::store> store;
    captured_log log;
    gateway::connection_registry connections;
    std::shared_ptr<std::chrono::system_clock::time_point> now;
    gateway::app_context ctx;

    void advance(std::chrono::seconds s) { *now += s; }

    /// Sends a request through gateway::handle_request with the browser's cookies, and
    /// lets the browser keep the cookies of the response.
    gateway::http_response get(browser& b, std::string const& target);
    gateway::http_response post(browser& b, std::string const& target, std::string const& form_body,
                                std::optional<std::string> origin = std::nullopt);

    /// GET /sso/login/{connection}?return_to=…; returns the RelayState (request ID) of
    /// the redirect to the IdP (fails the test when it is not a redirect).
    std::string start_login(browser& b, std::string const& connection, std::string const& return_to = "/");

    /// The base64 SAMLResponse form value of a signed response.
    std::string saml_response(idp_response const& r) const;
    /// POST /sso/acs/{connection} with SAMLResponse (and RelayState when not empty).
    gateway::http_response post_acs(browser& b, idp_response const& r, std::string const& relay_state);

    /// Audit events with this action, in seq order.
    std::vector<store::audit_event> audit(std::string const& action);
};

/// Percent-encodes everything but unreserved characters.
std::string url_encode(std::string_view s);

} // namespace ssogate::test::sso
