#include <ssogate/jit/errc.hpp>

#include <string>

namespace ssogate::jit {
namespace {

class jit_category_impl final : public boost::system::error_category {
public:
    jit_category_impl() noexcept : error_category(0x5c6a7e1a2b3c4d5eULL) {}
    char const* name() const noexcept override { return "ssogate.jit"; }
    std::string message(int ev) const override;
};

// One human sentence per code; tests check they are all distinct.
std::string jit_category_impl::message(int ev) const
{
    switch (static_cast<errc>(ev)) {
    case errc::jit_disabled: return "user is not provisioned and JIT provisioning is off for the connection";
    case errc::link_denied: return "an account with this email belongs to another identity and linking is not allowed";
    case errc::link_pending_approval: return "linking to the existing account awaits administrator approval";
    case errc::email_missing: return "the assertion carries no usable email address";
    case errc::user_inactive: return "the user is deactivated";
    case errc::role_unmapped: return "no role could be derived and the connection has no default role";
    case errc::team_unknown: return "a mapped team does not exist and team creation is off";
    case errc::subject_missing: return "the assertion carries no usable subject identifier";
    }
    return "unknown jit error";
}

} // namespace

boost::system::error_category const& jit_category() noexcept
{
    static jit_category_impl const instance;
    return instance;
}

} // namespace ssogate::jit
