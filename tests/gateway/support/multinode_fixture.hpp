#pragma once
// Two (or more) real `ssogate serve` processes on one real PostgreSQL database, for the
// multi-node tests (issue 10, tests/gateway/multinode/). What a load balancer puts in
// front of them is the tests' choice: each request names the node it goes to.
//
// The cluster shares what several nodes must share (README "Running several nodes"):
// the database (postgres_server::shared(), one fresh database per cluster), public_url
// `https://sso.example.test` (the IdP's Destination/Recipient/Audience name it, not a
// node), the SP key and certificate (tests/data/saml/keys/sp.*). Each node has its own
// data_dir (pid file, TLS pair) and a loopback port chosen by the kernel. The connection
// `okta` (domain example.com, IdP key tests/data/saml/keys/idp.*) is created in the store
// with `ssogate connection create`, so the admin API may change it; an admin token is
// created with `ssogate admin token create`.
//
// Node output is drained by a thread per node (a chatty node never blocks on a full
// pipe); stderr is kept for failure messages. Thread-safety: the request helpers
// (http_call, web_browser) may be used from any thread, one web_browser per thread;
// start/stop/restart from the test's thread only.
#include "support/process.hpp"
#include "support/sso_fixture.hpp"
#include "support/tls_client.hpp"
#include "temp_dir.hpp"

#include <boost/json/object.hpp>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace ssogate::test::multinode {

/// One HTTPS request to 127.0.0.1:port (Connection: close). `headers` are extra header
/// lines, each ending in "\r\n". Throws std::runtime_error when the node does not answer.
http_reply http_call(std::uint16_t port, std::string const& method, std::string const& target,
                     std::string const& headers = {}, std::string const& body = {});

/// IdP metadata (entity sso::idp_entity, signing key tests/data/saml/keys/idp.crt), the
/// `idp_metadata` of a connection created through the admin API.
std::string idp_metadata_xml();

/// A browser's cookie jar for ssogate's origin, whichever node answers (the nodes share
/// one public_url behind a load balancer, so the browser sees one site).
struct web_browser {
    std::map<std::string, std::string> cookies;

    http_reply get(std::uint16_t port, std::string const& target);
    http_reply post_form(std::uint16_t port, std::string const& target, std::string const& form);
    /// Applies the Set-Cookie of a reply (Max-Age=0 deletes).
    void take_cookies(http_reply const& r);
    [[nodiscard]] std::string cookie_header() const;
};

/// A running `ssogate serve`.
class node {
public:
    node(std::string name, std::filesystem::path config, std::filesystem::path cwd);
    ~node();
    node(node const&) = delete;
    node& operator=(node const&) = delete;

    [[nodiscard]] std::uint16_t port() const noexcept { return port_; }
    [[nodiscard]] std::string const& name() const noexcept { return name_; }
    /// SIGTERM and wait; the exit code (-1 on timeout).
    int stop();
    /// What it wrote to stderr so far (for INFO).
    [[nodiscard]] std::string err() const;

private:
    void drain();

    std::string name_;
    std::unique_ptr<background_process> proc_;
    std::uint16_t port_ = 0;
    mutable std::mutex mutex_;
    bool stopping_ = false;
    std::thread drainer_;
};

struct cluster_options {
    /// Nodes to start (named "a", "b", ...).
    std::size_t nodes = 2;
    /// [store] refresh_interval of every node: long by default, so that a test that sees
    /// a change in well under it proves the notification path.
    std::string refresh_interval = "60s";
    /// [store] pool_size.
    unsigned pool_size = 4;
};

class cluster {
public:
    explicit cluster(cluster_options options = {});
    ~cluster();
    cluster(cluster const&) = delete;
    cluster& operator=(cluster const&) = delete;

    /// The node `i` (0 = "a").
    [[nodiscard]] node& at(std::size_t i) { return *nodes_.at(i); }
    [[nodiscard]] std::uint16_t port(std::size_t i) { return at(i).port(); }
    /// Stops node i (SIGTERM) / starts it again on a new port.
    void stop(std::size_t i);
    void start(std::size_t i);

    /// The database URL every node uses.
    [[nodiscard]] std::string const& store_url() const noexcept { return url_; }
    /// "Authorization: Bearer …\r\n" for the admin API.
    [[nodiscard]] std::string const& admin_header() const noexcept { return admin_header_; }
    /// `ssogate --config <node i's config> args...` to completion.
    process_result cli(std::vector<std::string> args, std::size_t node_index = 0) const;

    /// A signed SAMLResponse (base64) for connection okta, valid now (the real clock).
    std::string saml_response(sso::idp_response const& r);
    /// A fresh assertion ID (never used before in this process).
    static std::string fresh_assertion_id();

    /// GET /sso/login/okta on `node_index`; returns the RelayState (request ID).
    std::string start_login(web_browser& b, std::size_t node_index);
    /// POST /sso/acs/okta on `node_index` with `response` (base64) and `relay`.
    http_reply post_acs(web_browser& b, std::size_t node_index, std::string const& response,
                        std::string const& relay);
    /// POST/PUT/PATCH/DELETE with a JSON body and the admin token on node i.
    http_reply admin(std::size_t node_index, std::string const& method, std::string const& target,
                     std::string const& json_body = {});
    /// A whole SP-initiated sign-in of `email`: login on `login_node`, ACS on `acs_node`.
    http_reply sign_in(web_browser& b, std::size_t login_node, std::size_t acs_node, std::string const& email);

    /// The admin API's audit events after `after` (GET /admin/v1/audit on node i),
    /// following next cursors until the end.
    std::vector<boost::json::object> audit_after(std::size_t node_index, std::int64_t after);

    /// Runs `call` (a request to node i); an exception it throws (no answer) is rethrown
    /// with the end of that node's stderr.
    http_reply with_node_log(std::size_t node_index, std::function<http_reply()> const& call);

private:
    std::filesystem::path config_path(std::size_t i) const;

    cluster_options options_;
    temp_dir dir_;
    std::string url_;
    std::string admin_header_;
    std::mutex idp_mutex_;
    sso::sso_app idp_; ///< only its response signer (saml_response) and clock are used
    std::vector<std::unique_ptr<node>> nodes_;
};

} // namespace ssogate::test::multinode
