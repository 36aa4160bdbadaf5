#include "support/multinode_fixture.hpp"

#include "postgres_server.hpp"

#include <boost/json.hpp>

#include <unistd.h>

#include <atomic>
#include <csignal>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ssogate::test::multinode {

using namespace std::chrono_literals;
namespace fs = std::filesystem;

http_reply http_call(std::uint16_t port, std::string const& method, std::string const& target,
                     std::string const& headers, std::string const& body)
{
    tls_client c(port, tls_client_options{0, 0, std::chrono::milliseconds(15000)});
    std::string req = method + " " + target + " HTTP/1.1\r\nHost: sso.example.test\r\nConnection: close\r\n" + headers;
    if (!body.empty() || method == "POST")
        req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
    req += "\r\n" + body;
    c.write_raw(req);
    return c.read_response();
}

http_reply web_browser::get(std::uint16_t port, std::string const& target)
{
    std::string h;
    if (!cookies.empty())
        h = "Cookie: " + cookie_header() + "\r\n";
    auto r = http_call(port, "GET", target, h);
    take_cookies(r);
    return r;
}

http_reply web_browser::post_form(std::uint16_t port, std::string const& target, std::string const& form)
{
    std::string h = "Content-Type: application/x-www-form-urlencoded\r\nOrigin: https://sso.example.test\r\n";
    if (!cookies.empty())
        h += "Cookie: " + cookie_header() + "\r\n";
    auto r = http_call(port, "POST", target, h, form);
    take_cookies(r);
    return r;
}

void web_browser::take_cookies(http_reply const& r)
{
    auto value = r.header("set-cookie");
    if (value.empty())
        return;
    auto pair = value.substr(0, value.find(';'));
    auto eq = pair.find('=');
    if (eq == std::string::npos)
        return;
    if (value.find("Max-Age=0") != std::string::npos)
        cookies.erase(pair.substr(0, eq));
    else
        cookies[pair.substr(0, eq)] = pair.substr(eq + 1);
}

std::string web_browser::cookie_header() const
{
    std::string h;
    for (auto const& [n, v] : cookies) {
        if (!h.empty())
            h += "; ";
        h += n + "=" + v;
    }
    return h;
}

// --- node ------------------------------------------------------------------------------

node::node(std::string name, fs::path config, fs::path cwd) : name_(std::move(name))
{
    proc_ = std::make_unique<background_process>(std::vector<std::string>{"--config", config.string(), "serve"}, cwd);
    auto up = proc_->wait_for_line("serving https://", 60s);
    if (!up)
        throw std::runtime_error("node " + name_ + " did not start:\nstdout: " + proc_->out() + "\nstderr: "
                                 + proc_->err());
    port_ = static_cast<std::uint16_t>(std::stoi(up->substr(up->rfind(':') + 1)));
    drainer_ = std::thread([this] { drain(); });
}

node::~node()
{
    {
        std::lock_guard l(mutex_);
        stopping_ = true;
    }
    drainer_.join();
    // background_process kills what still runs.
}

void node::drain()
{
    for (;;) {
        {
            std::lock_guard l(mutex_);
            if (stopping_)
                return;
            // A needle no line holds: reads what both pipes have (up to ~50 ms), returns.
            (void)proc_->wait_for_line("\x01\x02 never printed", 1ms);
        }
        std::this_thread::sleep_for(20ms);
    }
}

int node::stop()
{
    std::lock_guard l(mutex_);
    return proc_->signal_and_wait(SIGTERM, 30s);
}

std::string node::err() const
{
    std::lock_guard l(mutex_);
    (void)proc_->wait_for_line("\x01\x02 never printed", 100ms); // what is in the pipes now
    return proc_->err();
}

// --- cluster ---------------------------------------------------------------------------

std::string idp_metadata_xml()
{
    auto cert = read_file(data_path("saml/keys/idp.crt"));
    // The base64 DER of the PEM: the lines between the armour.
    std::string b64;
    std::istringstream in(cert);
    for (std::string line; std::getline(in, line);)
        if (line.rfind("-----", 0) != 0)
            b64 += line;
    return std::string("<md:EntityDescriptor xmlns:md=\"urn:oasis:names:tc:SAML:2.0:metadata\" "
                       "xmlns:ds=\"http://www.w3.org/2000/09/xmldsig#\" entityID=\"")
           + sso::idp_entity
           + "\"><md:IDPSSODescriptor protocolSupportEnumeration=\"urn:oasis:names:tc:SAML:2.0:protocol\">"
             "<md:KeyDescriptor use=\"signing\"><ds:KeyInfo><ds:X509Data><ds:X509Certificate>"
           + b64
           + "</ds:X509Certificate></ds:X509Data></ds:KeyInfo></md:KeyDescriptor>"
             "<md:SingleSignOnService Binding=\"urn:oasis:names:tc:SAML:2.0:bindings:HTTP-Redirect\" Location=\""
           + sso::idp_sso_url + "\"/></md:IDPSSODescriptor></md:EntityDescriptor>";
}

namespace {

std::string toml_string(std::string const& s)
{
    std::string out = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\')
            out += '\\';
        out += c;
    }
    return out + "\"";
}

} // namespace

cluster::cluster(cluster_options options) : options_(std::move(options))
{
    url_ = postgres_server::shared().create_database();
    std::ofstream(dir_ / "idp.xml") << idp_metadata_xml();
    for (std::size_t i = 0; i < options_.nodes; ++i) {
        auto const data = dir_ / ("node-" + std::string(1, static_cast<char>('a' + i)));
        fs::create_directories(data);
        std::ofstream f(config_path(i));
        f << "[server]\n"
             "listen = \"127.0.0.1:0\"\n"
             "public_url = \"https://sso.example.test\"\n"
             "threads = 2\n"
             "data_dir = " << toml_string(data.string()) << "\n"
             "\n[store]\n"
             "url = " << toml_string(url_) << "\n"
             "pool_size = " << options_.pool_size << "\n"
             "refresh_interval = " << toml_string(options_.refresh_interval) << "\n"
             "\n[sp]\n"
             "key = " << toml_string(data_path("saml/keys/sp.key").string()) << "\n"
             "cert = " << toml_string(data_path("saml/keys/sp.crt").string()) << "\n";
    }
    // The connection lives in the store (the admin API may change it), created once.
    auto created = cli({"connection", "create", "okta", "--idp-metadata", (dir_ / "idp.xml").string(), "--domain",
                        "example.com", "--name", "Okta"});
    if (created.exit_code != 0)
        throw std::runtime_error("connection create: " + created.out + created.err);
    auto token = cli({"admin", "token", "create", "--name", "multinode"});
    if (token.exit_code != 0)
        throw std::runtime_error("admin token create: " + token.out + token.err);
    std::istringstream lines(token.out);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("sgadm_", 0) == 0)
            admin_header_ = "Authorization: Bearer " + line + "\r\n";
    if (admin_header_.empty())
        throw std::runtime_error("no admin token in: " + token.out);
    nodes_.resize(options_.nodes);
    for (std::size_t i = 0; i < options_.nodes; ++i)
        start(i);
}

cluster::~cluster()
{
    for (std::size_t i = 0; i < nodes_.size(); ++i)
        if (nodes_[i])
            stop(i);
}

fs::path cluster::config_path(std::size_t i) const
{
    return dir_ / ("node-" + std::string(1, static_cast<char>('a' + i)) + ".toml");
}

void cluster::stop(std::size_t i)
{
    if (nodes_.at(i)) {
        (void)nodes_[i]->stop();
        nodes_[i].reset();
    }
}

void cluster::start(std::size_t i)
{
    stop(i);
    nodes_.at(i) = std::make_unique<node>(std::string(1, static_cast<char>('a' + i)), config_path(i), dir_.path());
}

process_result cluster::cli(std::vector<std::string> args, std::size_t node_index) const
{
    args.insert(args.begin(), {"--config", config_path(node_index).string()});
    return run_ssogate(args, dir_.path(), 60s);
}

std::string cluster::saml_response(sso::idp_response const& r)
{
    std::lock_guard l(idp_mutex_);
    *idp_.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    return idp_.saml_response(r);
}

http_reply cluster::with_node_log(std::size_t node_index, std::function<http_reply()> const& call)
{
    try {
        return call();
    } catch (std::exception const& e) {
        auto log = at(node_index).err();
        if (log.size() > 4000)
            log = "…" + log.substr(log.size() - 4000);
        throw std::runtime_error(std::string(e.what()) + "\nnode " + at(node_index).name() + " stderr:\n" + log);
    }
}

std::string cluster::fresh_assertion_id()
{
    static std::atomic<int> n{0};
    return "_multinode-" + std::to_string(::getpid()) + "-" + std::to_string(++n);
}

std::string cluster::start_login(web_browser& b, std::size_t node_index)
{
    auto res = with_node_log(node_index, [&] { return b.get(port(node_index), "/sso/login/okta"); });
    if (res.status != 302)
        throw std::runtime_error("login on node " + std::to_string(node_index) + " answered "
                                 + std::to_string(res.status) + ": " + res.body);
    auto location = res.header("location");
    auto pos = location.find("RelayState=");
    if (pos == std::string::npos)
        throw std::runtime_error("no RelayState in " + location);
    auto relay = location.substr(pos + 11);
    return relay.substr(0, relay.find('&'));
}

http_reply cluster::post_acs(web_browser& b, std::size_t node_index, std::string const& response,
                             std::string const& relay)
{
    std::string form = "SAMLResponse=" + sso::url_encode(response);
    if (!relay.empty())
        form += "&RelayState=" + sso::url_encode(relay);
    return with_node_log(node_index, [&] { return b.post_form(port(node_index), "/sso/acs/okta", form); });
}

http_reply cluster::sign_in(web_browser& b, std::size_t login_node, std::size_t acs_node, std::string const& email)
{
    auto relay = start_login(b, login_node);
    sso::idp_response r;
    r.in_response_to = relay;
    r.assertion_id = fresh_assertion_id();
    r.name_id = email;
    r.email = email;
    return post_acs(b, acs_node, saml_response(r), relay);
}

http_reply cluster::admin(std::size_t node_index, std::string const& method, std::string const& target,
                          std::string const& json_body)
{
    return http_call(port(node_index), method, target, admin_header_ + "Content-Type: application/json\r\n",
                     json_body);
}

std::vector<boost::json::object> cluster::audit_after(std::size_t node_index, std::int64_t after)
{
    std::vector<boost::json::object> out;
    for (;;) {
        auto r = http_call(port(node_index), "GET", "/admin/v1/audit?limit=1000&after=" + std::to_string(after),
                           admin_header_);
        if (r.status != 200)
            throw std::runtime_error("GET /admin/v1/audit: " + std::to_string(r.status) + " " + r.body);
        auto page = boost::json::parse(r.body).as_object();
        auto const& events = page.at("events").as_array();
        if (events.empty())
            return out;
        for (auto const& e : events)
            out.push_back(e.as_object());
        after = page.at("next_after").as_int64();
    }
}

} // namespace ssogate::test::multinode
