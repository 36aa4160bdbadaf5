#include <ssogate/saml/keys.hpp>

#include "detail/base64.hpp"
#include "detail/c_handles.hpp"
#include "detail/key_access.hpp"

#include <xmlsec/openssl/evp.h>

#include <openssl/asn1.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/sha.h>

#include <ctime>

namespace ssogate::saml {

struct certificate::impl {
    detail::x509_ptr x509;
    detail::evp_pkey_ptr public_key;
    std::vector<std::byte> der;
    std::string fingerprint;
    std::string subject;
    std::chrono::system_clock::time_point not_after;
};

struct private_key::impl {
    detail::evp_pkey_ptr pkey;
    private_key::kind type;
    int bits;
};

namespace {

std::string hex(unsigned char const* p, std::size_t n)
{
    static constexpr char digits[] = "0123456789abcdef";
    std::string out;
    out.reserve(n * 2);
    for (std::size_t i = 0; i < n; ++i) {
        out.push_back(digits[p[i] >> 4]);
        out.push_back(digits[p[i] & 0xF]);
    }
    return out;
}

} // namespace

namespace detail {
boost::system::result<certificate> key_access::make_certificate(x509_ptr x)
{
    if (!x)
        return errc::key_invalid;
    auto p = std::make_shared<certificate::impl>();
    p->public_key.reset(X509_get_pubkey(x.get()));
    if (!p->public_key)
        return errc::key_invalid;

    unsigned char* der = nullptr;
    int const len = i2d_X509(x.get(), &der);
    if (len <= 0)
        return errc::key_invalid;
    auto const* bytes = reinterpret_cast<std::byte const*>(der);
    p->der.assign(bytes, bytes + len);
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der, static_cast<std::size_t>(len), digest);
    OPENSSL_free(der);
    p->fingerprint = hex(digest, sizeof digest);

    detail::bio_ptr out(BIO_new(BIO_s_mem()));
    if (!out || X509_NAME_print_ex(out.get(), X509_get_subject_name(x.get()), 0, XN_FLAG_RFC2253) < 0)
        return errc::key_invalid;
    char* text = nullptr;
    long const text_len = BIO_get_mem_data(out.get(), &text);
    p->subject.assign(text, static_cast<std::size_t>(text_len));

    std::tm tm{};
    if (ASN1_TIME_to_tm(X509_get0_notAfter(x.get()), &tm) != 1)
        return errc::key_invalid;
    p->not_after = std::chrono::system_clock::from_time_t(timegm(&tm));

    p->x509 = std::move(x);
    return certificate(std::shared_ptr<certificate::impl const>(std::move(p)));
}
} // namespace detail

certificate::certificate(std::shared_ptr<impl const> p) noexcept : impl_(std::move(p)) {}

boost::system::result<certificate> certificate::from_pem(std::string_view pem)
{
    auto bio = detail::memory_bio(pem);
    if (!bio)
        return errc::key_invalid;
    detail::x509_ptr x(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
    ERR_clear_error();
    return detail::key_access::make_certificate(std::move(x));
}

boost::system::result<certificate> certificate::from_der(std::span<std::byte const> der)
{
    auto const* begin = reinterpret_cast<unsigned char const*>(der.data());
    auto const* cursor = begin;
    detail::x509_ptr x(d2i_X509(nullptr, &cursor, static_cast<long>(der.size())));
    ERR_clear_error();
    if (!x || cursor != begin + der.size())
        return errc::key_invalid;
    return detail::key_access::make_certificate(std::move(x));
}

boost::system::result<certificate> certificate::from_base64_der(std::string_view base64)
{
    auto const bytes = detail::base64_decode(base64);
    if (!bytes || bytes->empty())
        return errc::key_invalid;
    return from_der(std::as_bytes(std::span(bytes->data(), bytes->size())));
}

std::vector<std::byte> const& certificate::der() const noexcept
{
    return impl_->der;
}

std::string certificate::base64_der() const
{
    return detail::base64_encode(std::span<std::byte const>(impl_->der));
}

std::string certificate::pem() const
{
    std::string const b64 = base64_der();
    std::string out = "-----BEGIN CERTIFICATE-----\n";
    for (std::size_t i = 0; i < b64.size(); i += 64)
        out.append(b64, i, 64).push_back('\n');
    out += "-----END CERTIFICATE-----\n";
    return out;
}

std::string const& certificate::sha256_fingerprint() const noexcept
{
    return impl_->fingerprint;
}

std::string const& certificate::subject() const noexcept
{
    return impl_->subject;
}

std::chrono::system_clock::time_point certificate::not_after() const noexcept
{
    return impl_->not_after;
}

bool operator==(certificate const& a, certificate const& b) noexcept
{
    return a.impl_ == b.impl_ || a.impl_->der == b.impl_->der;
}

private_key::private_key(std::shared_ptr<impl const> p) noexcept : impl_(std::move(p)) {}

boost::system::result<private_key> private_key::from_pem(std::string_view pem)
{
    auto bio = detail::memory_bio(pem);
    if (!bio)
        return errc::key_invalid;
    // A password callback that supplies no password: encrypted keys fail to load
    // instead of prompting on the terminal.
    auto no_password = [](char*, int, int, void*) -> int { return 0; };
    detail::evp_pkey_ptr pkey(PEM_read_bio_PrivateKey(bio.get(), nullptr, no_password, nullptr));
    ERR_clear_error();
    if (!pkey)
        return errc::key_invalid;
    auto p = std::make_shared<impl>();
    p->bits = EVP_PKEY_get_bits(pkey.get());
    switch (EVP_PKEY_get_base_id(pkey.get())) {
    case EVP_PKEY_RSA:
        if (p->bits < 2048)
            return errc::key_invalid;
        p->type = kind::rsa;
        break;
    case EVP_PKEY_EC:
        p->type = kind::ec;
        break;
    default:
        return errc::key_invalid;
    }
    p->pkey = std::move(pkey);
    return private_key(std::shared_ptr<impl const>(std::move(p)));
}

private_key::kind private_key::type() const noexcept
{
    return impl_->type;
}

int private_key::bits() const noexcept
{
    return impl_->bits;
}

bool private_key::matches(certificate const& cert) const noexcept
{
    return EVP_PKEY_eq(impl_->pkey.get(), detail::key_access::public_key(cert)) == 1;
}

namespace detail {

X509* key_access::x509(certificate const& c) noexcept
{
    return c.impl_->x509.get();
}

EVP_PKEY* key_access::public_key(certificate const& c) noexcept
{
    return c.impl_->public_key.get();
}

EVP_PKEY* key_access::pkey(private_key const& k) noexcept
{
    return k.impl_->pkey.get();
}

sec_key_ptr make_xmlsec_key(EVP_PKEY* pkey)
{
    if (pkey == nullptr || EVP_PKEY_up_ref(pkey) != 1)
        return nullptr;
    evp_pkey_ptr owned(pkey);
    sec_key_data_ptr data(xmlSecOpenSSLEvpKeyAdopt(owned.get()));
    if (!data)
        return nullptr;
    owned.release(); // now owned by `data`
    sec_key_ptr key(xmlSecKeyCreate());
    if (!key || xmlSecKeySetValue(key.get(), data.get()) < 0)
        return nullptr;
    data.release(); // now owned by `key`
    return key;
}

} // namespace detail
} // namespace ssogate::saml
