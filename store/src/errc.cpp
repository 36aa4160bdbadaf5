#include <ssogate/store/errc.hpp>
#include <ssogate/store/sqlite.hpp>

#include <boost/system/system_error.hpp>
#include <boost/throw_exception.hpp>

#include <string>

namespace ssogate::store {

namespace {

class category final : public boost::system::error_category {
public:
    char const* name() const noexcept override { return "ssogate.store"; }

    std::string message(int value) const override { return message(value, nullptr, 0); }

    char const* message(int value, char*, std::size_t) const noexcept override
    {
        switch (static_cast<errc>(value)) {
        case errc::open_failed: return "the store database could not be opened";
        case errc::schema_too_new: return "the store schema is newer than this build knows";
        case errc::migration_failed: return "a store schema migration failed";
        case errc::busy: return "the store was busy (lock or connection timeout)";
        case errc::read_only_transaction: return "write attempted in a read-only store transaction";
        case errc::transaction_closed: return "the store transaction is already closed";
        case errc::already_exists: return "a store record with this key already exists";
        case errc::email_taken: return "the email address belongs to another user";
        case errc::identity_taken: return "the identity is already linked to a user";
        case errc::team_name_taken: return "a team with this name already exists";
        case errc::replayed: return "the assertion ID was already used (replay)";
        case errc::missing_reference: return "the record refers to a row that does not exist";
        case errc::in_use: return "the record is still referenced and cannot be deleted";
        case errc::invalid_argument: return "the value is not valid for the store";
        case errc::corrupt: return "the stored data is corrupt or inconsistent";
        case errc::database_error: return "the store database reported an error";
        case errc::user_name_taken: return "the userName belongs to another user of this connection's SCIM view";
        case errc::unavailable: return "the store database server is unreachable or the connection to it was lost";
        }
        return "unknown store error";
    }
};

} // namespace

boost::system::error_category const& store_category() noexcept
{
    static category const instance;
    return instance;
}

boost::system::error_code make_error_code(errc e) noexcept
{
    return boost::system::error_code(static_cast<int>(e), store_category());
}

void throw_exception_from_error(open_error const& error, boost::source_location const& location)
{
    boost::throw_exception(boost::system::system_error(error.code, error.message), location);
}

} // namespace ssogate::store
