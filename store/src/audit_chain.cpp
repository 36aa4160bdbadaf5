#include "audit_chain.hpp"

#include "secret_hash.hpp"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include <chrono>

namespace ssogate::store::detail {

std::string canonical_json(std::int64_t seq, audit_event const& event, std::string_view prev_hash)
{
    auto const time_us = std::chrono::floor<std::chrono::microseconds>(event.time.time_since_epoch()).count();
    // boost::json::object keeps insertion order: insert keys already sorted.
    boost::json::object actor;
    actor["id"] = event.actor_id;
    actor["type"] = event.actor_type;
    boost::json::object result;
    result["reason"] = event.result_reason;
    result["status"] = event.result_status;
    boost::json::object source;
    source["ip"] = event.source_ip;
    source["user_agent"] = event.user_agent;

    boost::json::object o;
    o["action"] = event.action;
    o["actor"] = std::move(actor);
    o["changes"] = event.changes_json;
    o["connection"] = event.connection_id;
    o["id"] = event.id;
    o["prev_hash"] = prev_hash;
    o["result"] = std::move(result);
    o["seq"] = seq;
    o["source"] = std::move(source);
    o["target"] = event.target;
    o["time"] = time_us;
    o["trace_id"] = event.trace_id;
    return boost::json::serialize(o);
}

std::string chain_hash(std::int64_t seq, audit_event const& event, std::string_view prev_hash)
{
    return sha256_hex(canonical_json(seq, event, prev_hash));
}

std::optional<std::string> compact_json(std::string_view json)
{
    if (json.empty())
        return std::string();
    boost::system::error_code ec;
    auto value = boost::json::parse(json, ec);
    if (ec)
        return std::nullopt;
    return boost::json::serialize(value);
}

std::optional<chain_break> check_link(chained_audit_event const& stored, std::int64_t expected_seq,
                                      std::string_view expected_prev_hash)
{
    if (stored.seq != expected_seq)
        return chain_break{expected_seq, "seq", std::to_string(expected_seq), std::to_string(stored.seq)};
    if (stored.prev_hash != expected_prev_hash)
        return chain_break{stored.seq, "prev_hash", std::string(expected_prev_hash), stored.prev_hash};
    auto const recomputed = chain_hash(stored.seq, stored.event, stored.prev_hash);
    if (stored.hash != recomputed)
        return chain_break{stored.seq, "hash", recomputed, stored.hash};
    return std::nullopt;
}

} // namespace ssogate::store::detail
