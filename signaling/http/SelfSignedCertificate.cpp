#include "signaling/http/SelfSignedCertificate.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cerrno>
#include <cstring>
#include <memory>

namespace vcb::signaling {

namespace {

constexpr std::size_t kMaxDnsName = 253;

struct KeyDeleter {
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct CertDeleter {
    void operator()(X509* p) const { X509_free(p); }
};
struct BioDeleter {
    void operator()(BIO* p) const { BIO_free(p); }
};
struct BnDeleter {
    void operator()(BIGNUM* p) const { BN_free(p); }
};
struct ExtDeleter {
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
};

bool opensslFail(std::string& error, const char* what) {
    error = what;
    if (const unsigned long code = ERR_get_error(); code != 0) {
        std::array<char, 256> buf{};
        ERR_error_string_n(code, buf.data(), buf.size());
        error += ": ";
        error += buf.data();
    }
    ERR_clear_error();
    return false;
}

bool isIpAddress(const std::string& name) {
    std::array<unsigned char, 16> buf{};
    return inet_pton(AF_INET, name.c_str(), buf.data()) == 1 ||
           inet_pton(AF_INET6, name.c_str(), buf.data()) == 1;
}

bool addExtension(X509* cert, int nid, const std::string& value, std::string& error) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    std::unique_ptr<X509_EXTENSION, ExtDeleter> ext(
        X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
        return opensslFail(error, "cannot add certificate extension");
    }
    return true;
}

std::string subjectAltNames(const std::string& name) {
    // The name was validated: it holds no ',' or ':' that could inject further entries,
    // except inside an IPv6 address, which the IP: form takes as a whole.
    std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
    if (isIpAddress(name)) {
        if (name != "127.0.0.1" && name != "::1") san += ",IP:" + name;
    } else if (name != "localhost") {
        san += ",DNS:" + name;
    }
    return san;
}

bool setRandomSerial(X509* cert, std::string& error) {
    std::array<unsigned char, 16> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
        return opensslFail(error, "RAND_bytes failed");
    }
    bytes[0] = static_cast<unsigned char>((bytes[0] & 0x7f) | 0x01);  // positive, non-zero
    std::unique_ptr<BIGNUM, BnDeleter> bn(
        BN_bin2bn(bytes.data(), static_cast<int>(bytes.size()), nullptr));
    if (!bn || BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) == nullptr) {
        return opensslFail(error, "cannot set certificate serial");
    }
    return true;
}

std::optional<std::string> bioToString(BIO* bio) {
    char* data = nullptr;
    const long len = BIO_get_mem_data(bio, &data);
    if (len <= 0 || data == nullptr) return std::nullopt;
    return std::string(data, static_cast<std::size_t>(len));
}

bool writeAll(int fd, const std::string& data) {
    std::size_t off = 0;
    while (off < data.size()) {
        const ssize_t n = ::write(fd, data.data() + off, data.size() - off);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) return false;
        off += static_cast<std::size_t>(n);
    }
    return true;
}

// Creates `path` exclusively with exactly `mode` and writes `data`. Never follows a symlink.
bool writeNewFile(const std::string& path, const std::string& data, mode_t mode,
                  std::string& error) {
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
    if (fd < 0) {
        error = "cannot create " + path + ": " + std::strerror(errno);
        return false;
    }
    // open() applied the umask, which can only have removed bits; set exactly `mode`.
    const bool ok = ::fchmod(fd, mode) == 0 && writeAll(fd, data) && ::fsync(fd) == 0;
    const int savedErrno = errno;
    if (::close(fd) != 0 || !ok) {
        error = "cannot write " + path + ": " + std::strerror(ok ? errno : savedErrno);
        ::unlink(path.c_str());
        return false;
    }
    return true;
}

}  // namespace

bool isValidCertificateName(const std::string& name) {
    if (name.empty() || name.size() > kMaxDnsName) return false;
    if (isIpAddress(name)) return true;
    if (name.front() == '.' || name.front() == '-' || name.back() == '.') return false;
    return std::all_of(name.begin(), name.end(), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
               c == '-' || c == '.';
    });
}

std::optional<PemCertificate> generateSelfSignedCertificate(const SelfSignedOptions& options,
                                                            std::string& error) {
    if (!isValidCertificateName(options.name)) {
        error = "invalid certificate name '" + options.name + "' (want a DNS name or IP address)";
        return std::nullopt;
    }
    ERR_clear_error();
    std::unique_ptr<EVP_PKEY, KeyDeleter> key(EVP_EC_gen("P-256"));
    if (!key) {
        opensslFail(error, "cannot generate P-256 key");
        return std::nullopt;
    }
    std::unique_ptr<X509, CertDeleter> cert(X509_new());
    if (!cert || X509_set_version(cert.get(), X509_VERSION_3) != 1) {
        opensslFail(error, "cannot create certificate");
        return std::nullopt;
    }
    if (!setRandomSerial(cert.get(), error)) return std::nullopt;
    if (X509_gmtime_adj(X509_getm_notBefore(cert.get()), options.notBefore.count()) == nullptr ||
        X509_gmtime_adj(X509_getm_notAfter(cert.get()), options.notAfter.count()) == nullptr) {
        opensslFail(error, "cannot set certificate validity");
        return std::nullopt;
    }
    if (X509_set_pubkey(cert.get(), key.get()) != 1) {
        opensslFail(error, "cannot set certificate public key");
        return std::nullopt;
    }
    X509_NAME* subject = X509_get_subject_name(cert.get());
    const std::string cn = options.name.substr(0, 64);  // ub-common-name
    if (subject == nullptr ||
        X509_NAME_add_entry_by_txt(subject, "O", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>("vcbridge"), -1, -1,
                                   0) != 1 ||
        X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_ASC,
                                   reinterpret_cast<const unsigned char*>(cn.c_str()), -1, -1,
                                   0) != 1 ||
        X509_set_issuer_name(cert.get(), subject) != 1) {
        opensslFail(error, "cannot set certificate name");
        return std::nullopt;
    }
    // CA:FALSE: trusting this certificate (e.g. as a test CA file) trusts this server only,
    // never certificates its key might sign. No keyUsage extension, so that OpenSSL still
    // treats the certificate as self-signed (a keyUsage without keyCertSign would prevent it).
    if (!addExtension(cert.get(), NID_basic_constraints, "critical,CA:FALSE", error) ||
        !addExtension(cert.get(), NID_ext_key_usage, "serverAuth", error) ||
        !addExtension(cert.get(), NID_subject_key_identifier, "hash", error) ||
        !addExtension(cert.get(), NID_subject_alt_name, subjectAltNames(options.name), error)) {
        return std::nullopt;
    }
    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) {
        opensslFail(error, "cannot sign certificate");
        return std::nullopt;
    }

    std::unique_ptr<BIO, BioDeleter> certBio(BIO_new(BIO_s_mem()));
    std::unique_ptr<BIO, BioDeleter> keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1 ||
        PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) !=
            1) {
        opensslFail(error, "cannot encode certificate or key as PEM");
        return std::nullopt;
    }
    auto certPem = bioToString(certBio.get());
    auto keyPem = bioToString(keyBio.get());
    if (!certPem || !keyPem) {
        opensslFail(error, "cannot encode certificate or key as PEM");
        return std::nullopt;
    }
    return PemCertificate{std::move(*certPem), std::move(*keyPem)};
}

bool writeSelfSignedCertificate(const std::string& dir, const SelfSignedOptions& options,
                                std::string& error) {
    if (dir.empty()) {
        error = "no output directory given";
        return false;
    }
    if (::mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST) {
        error = "cannot create directory " + dir + ": " + std::strerror(errno);
        return false;
    }
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
        error = dir + " is not a directory";
        return false;
    }
    const std::string certPath = dir + "/cert.pem";
    const std::string keyPath = dir + "/key.pem";
    // Checked up front so that an existing key.pem does not cost a fresh cert.pem; O_EXCL
    // below is what actually guarantees nothing is overwritten.
    for (const auto& path : {certPath, keyPath}) {
        if (::lstat(path.c_str(), &st) == 0) {
            error = path + " already exists; remove it or choose another directory";
            return false;
        }
    }
    auto pem = generateSelfSignedCertificate(options, error);
    if (!pem) return false;
    if (!writeNewFile(keyPath, pem->privateKey, 0600, error)) return false;
    if (!writeNewFile(certPath, pem->certificate, 0644, error)) {
        ::unlink(keyPath.c_str());
        return false;
    }
    return true;
}

}  // namespace vcb::signaling
