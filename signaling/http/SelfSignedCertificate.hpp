#pragma once

#include <chrono>
#include <optional>
#include <string>

namespace vcb::signaling {

// A self-signed ECDSA P-256 server certificate for test installs and tests: HTTPS without a CA.
// (sfu/dtls/DtlsCertificate makes the DTLS identity, which needs no names and lives in memory.)
struct SelfSignedOptions {
    // DNS name or IP address the certificate is for. SAN = DNS:localhost, IP:127.0.0.1, IP:::1
    // plus this name (as DNS or IP entry); CN = this name.
    std::string name = "localhost";
    // Validity relative to now. Backdated a day for clients with a slightly wrong clock.
    std::chrono::seconds notBefore = std::chrono::hours(-24);
    std::chrono::seconds notAfter = std::chrono::hours(24 * 365);
};

struct PemCertificate {
    std::string certificate;  // PEM "CERTIFICATE"
    std::string privateKey;   // PEM "PRIVATE KEY" (PKCS#8, unencrypted)
};

// True if `name` can go into the certificate: an IPv4/IPv6 address or a DNS name of letters,
// digits, '-' and '.' (at most 253 characters).
bool isValidCertificateName(const std::string& name);

// nullopt and `error` set on failure.
std::optional<PemCertificate> generateSelfSignedCertificate(const SelfSignedOptions& options,
                                                            std::string& error);

// Generates a certificate and writes DIR/cert.pem (mode 0644) and DIR/key.pem (mode 0600).
// DIR is created (0755) if missing. Existing files are never overwritten; the key file is
// created with O_EXCL and mode 0600 and so is never readable by others, whatever the umask.
// On failure nothing is left behind and `error` says why.
bool writeSelfSignedCertificate(const std::string& dir, const SelfSignedOptions& options,
                                std::string& error);

}  // namespace vcb::signaling
