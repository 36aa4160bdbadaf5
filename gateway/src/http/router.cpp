#include <ssogate/gateway/router.hpp>

#include <algorithm>
#include <stdexcept>

namespace ssogate::gateway {

namespace {

std::vector<std::string> split_path(std::string_view path)
{
    std::vector<std::string> out;
    // "/" is the one path with no segment; "/a/b" -> {"a","b"}; "/a/" -> {"a",""}.
    if (path.empty() || path == "/")
        return out;
    if (path.front() == '/')
        path.remove_prefix(1);
    for (;;) {
        auto slash = path.find('/');
        out.emplace_back(path.substr(0, slash));
        if (slash == std::string_view::npos)
            break;
        path.remove_prefix(slash + 1);
    }
    return out;
}

bool is_param(std::string_view segment) noexcept
{
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

/// Number of literal segments matched, or -1 when the pattern does not match.
int match(std::vector<std::string> const& pattern, std::vector<std::string> const& path, route_params* params)
{
    if (pattern.size() != path.size())
        return -1;
    int literals = 0;
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        if (is_param(pattern[i])) {
            if (path[i].empty())
                return -1;
            if (params)
                params->set(pattern[i].substr(1, pattern[i].size() - 2), path[i]);
        } else if (pattern[i] == path[i]) {
            ++literals;
        } else {
            return -1;
        }
    }
    return literals;
}

} // namespace

std::string_view route_params::get(std::string_view name) const noexcept
{
    auto it = values_.find(name);
    return it == values_.end() ? std::string_view() : std::string_view(it->second);
}

void router::add(http_method method, std::string_view pattern, handler_fn handler)
{
    if (pattern.empty() || pattern.front() != '/')
        throw std::logic_error("router: pattern must start with '/': " + std::string(pattern));
    auto segments = split_path(pattern);
    for (auto const& r : routes_)
        if (r.method == method && r.segments == segments)
            throw std::logic_error("router: duplicate route " + std::string(to_string(method)) + " " + std::string(pattern));
    routes_.push_back(route{std::move(segments), method, std::move(handler)});
}

http_response router::dispatch(app_context const& ctx, http_request const& req) const
{
    auto const path = split_path(req.path());
    // HEAD is answered by the GET route when there is no HEAD route of its own.
    auto const wanted = req.method;
    route const* best = nullptr;
    int best_score = -1;
    route const* best_get = nullptr;
    int best_get_score = -1;
    bool path_known = false;
    std::vector<http_method> allowed;
    for (auto const& r : routes_) {
        int score = match(r.segments, path, nullptr);
        if (score < 0)
            continue;
        path_known = true;
        if (std::find(allowed.begin(), allowed.end(), r.method) == allowed.end())
            allowed.push_back(r.method);
        if (r.method == wanted && score > best_score) {
            best = &r;
            best_score = score;
        }
        if (r.method == http_method::get && score > best_get_score) {
            best_get = &r;
            best_get_score = score;
        }
    }
    if (!best && wanted == http_method::head)
        best = best_get;
    if (best) {
        route_params params;
        match(best->segments, path, &params);
        return best->handler(ctx, req, params);
    }
    if (!path_known)
        return http_response::text(404, "not found\n");

    auto res = http_response::text(405, "method not allowed\n");
    if (std::find(allowed.begin(), allowed.end(), http_method::get) != allowed.end() &&
        std::find(allowed.begin(), allowed.end(), http_method::head) == allowed.end())
        allowed.push_back(http_method::head);
    std::string allow;
    for (auto m : allowed) {
        if (!allow.empty())
            allow += ", ";
        allow += to_string(m);
    }
    res.headers.set("Allow", std::move(allow));
    return res;
}

} // namespace ssogate::gateway
