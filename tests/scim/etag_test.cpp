#include <ssogate/scim/etag.hpp>

#include <catch2/catch.hpp>

using namespace ssogate::scim;

TEST_CASE("etag_of is a weak tag of the version", "[scim][etag]")
{
    CHECK(etag_of(1) == "W/\"1\"");
    CHECK(etag_of(42) == "W/\"42\"");
}

TEST_CASE("evaluate_preconditions follows RFC 7644 §3.14", "[scim][etag]")
{
    auto const cur = etag_of(3);
    using p = precondition;
    // No headers.
    CHECK(evaluate_preconditions(std::nullopt, std::nullopt, cur, true) == p::proceed);
    CHECK(evaluate_preconditions(std::nullopt, std::nullopt, cur, false) == p::proceed);
    // If-Match: the current tag (weak or strong spelling), in a list, or *.
    CHECK(evaluate_preconditions("W/\"3\"", std::nullopt, cur, false) == p::proceed);
    CHECK(evaluate_preconditions("\"3\"", std::nullopt, cur, false) == p::proceed);
    CHECK(evaluate_preconditions(" W/\"1\" , W/\"3\" ", std::nullopt, cur, false) == p::proceed);
    CHECK(evaluate_preconditions("*", std::nullopt, cur, false) == p::proceed);
    // If-Match with another version, or malformed → 412.
    CHECK(evaluate_preconditions("W/\"2\"", std::nullopt, cur, false) == p::precondition_failed);
    CHECK(evaluate_preconditions("W/\"2\"", std::nullopt, cur, true) == p::precondition_failed);
    CHECK(evaluate_preconditions("3", std::nullopt, cur, false) == p::precondition_failed);
    CHECK(evaluate_preconditions("W/\"3", std::nullopt, cur, false) == p::precondition_failed);
    CHECK(evaluate_preconditions("", std::nullopt, cur, false) == p::precondition_failed);
    // If-None-Match naming the current tag: 304 for a read, 412 for a write.
    CHECK(evaluate_preconditions(std::nullopt, "W/\"3\"", cur, true) == p::not_modified);
    CHECK(evaluate_preconditions(std::nullopt, "*", cur, true) == p::not_modified);
    CHECK(evaluate_preconditions(std::nullopt, "W/\"3\"", cur, false) == p::precondition_failed);
    CHECK(evaluate_preconditions(std::nullopt, "*", cur, false) == p::precondition_failed);
    // If-None-Match with another tag: go on.
    CHECK(evaluate_preconditions(std::nullopt, "W/\"2\"", cur, true) == p::proceed);
    CHECK(evaluate_preconditions(std::nullopt, "W/\"2\"", cur, false) == p::proceed);
}
