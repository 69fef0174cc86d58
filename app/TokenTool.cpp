// vcb-token: mints a join token for vcbridge's auth mode jwt (docs/operations.md
// "Authentication"). Prints the token on stdout.
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/program_options.hpp>
#include <chrono>
#include <iostream>
#include <string>

#include "signaling/auth/JwtClaims.hpp"
#include "signaling/auth/JwtSigner.hpp"

namespace po = boost::program_options;

int main(int argc, char** argv) {
    po::options_description opts("vcb-token options");
    opts.add_options()("help,h", "show this help and exit")(
        "key-file", po::value<std::string>(),
        "HS256: the shared secret file (as auth.key_file); ES256/RS256: the PEM private key")(
        "alg", po::value<std::string>()->default_value("HS256"), "HS256, ES256 or RS256")(
        "meeting", po::value<std::string>(), "the meeting id the token admits to, or '*' for any")(
        "admin",
        "an administrator's token for the REST API /api/meetings (admin claim); --meeting is then "
        "optional and without it the token admits to no meeting")(
        "name", po::value<std::string>(), "display name shown to the others (optional)")(
        "role", po::value<std::string>()->default_value("delegate"),
        "chair, delegate, room, observer, technician or recorder")(
        "unit", po::value<std::string>(), "the unit id (units file) the holder speaks for")("ttl", po::value<int64_t>()->default_value(3600),
                                                  "validity in seconds from now")(
        "subject", po::value<std::string>(), "sub claim: who the token is for (logged)")(
        "issuer", po::value<std::string>(), "iss claim (must match auth.issuer if set)")(
        "audience", po::value<std::string>(), "aud claim (must match auth.audience if set)");
    po::variables_map vm;
    try {
        po::store(po::parse_command_line(argc, argv, opts), vm);
        po::notify(vm);
    } catch (const po::error& e) {
        std::cerr << "vcb-token: " << e.what() << "\n" << opts;
        return 2;
    }
    if (vm.count("help")) {
        std::cout << "Usage: vcb-token --key-file FILE (--meeting ID | --admin) [options]\n\n"
                  << opts;
        return 0;
    }
    if (!vm.count("key-file") || (!vm.count("meeting") && !vm.count("admin"))) {
        std::cerr << "vcb-token: --key-file and --meeting (or --admin) are required\n" << opts;
        return 2;
    }
    auto alg = vcb::auth::parseJwtAlgorithm(vm["alg"].as<std::string>());
    if (!alg) {
        std::cerr << "vcb-token: --alg must be HS256, ES256 or RS256\n";
        return 2;
    }
    const int64_t ttl = vm["ttl"].as<int64_t>();
    if (ttl <= 0 || ttl > 366 * 24 * 3600) {
        std::cerr << "vcb-token: --ttl must be 1 s to 366 days\n";
        return 2;
    }
    const int64_t now = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch())
                            .count();
    boost::json::object claims;
    if (vm.count("meeting")) claims["meeting"] = vm["meeting"].as<std::string>();
    if (vm.count("admin")) claims["admin"] = true;
    claims["role"] = vm["role"].as<std::string>();
    claims["iat"] = now;
    claims["exp"] = now + ttl;
    if (vm.count("unit")) claims["unit"] = vm["unit"].as<std::string>();
    if (vm.count("name")) claims["name"] = vm["name"].as<std::string>();
    if (vm.count("subject")) claims["sub"] = vm["subject"].as<std::string>();
    if (vm.count("issuer")) claims["iss"] = vm["issuer"].as<std::string>();
    if (vm.count("audience")) claims["aud"] = vm["audience"].as<std::string>();
    const std::string payload = boost::json::serialize(claims);
    // Refuse to mint what the server would refuse (unknown role, bad name, empty meeting).
    if (auto check = vcb::auth::JwtClaims::fromJson(payload); !check) {
        std::cerr << "vcb-token: invalid claims (" << vcb::auth::jwtErrorCode(check.error())
                  << "): check --meeting, --role (chair|delegate|room|observer|technician|recorder), "
                     "--unit (1-64 of [a-z0-9._-]) and --name (1-64 bytes, no control "
                     "characters)\n";
        return 2;
    }
    std::string error;
    auto signer = vcb::auth::JwtSigner::fromFile(*alg, vm["key-file"].as<std::string>(), error);
    if (!signer) {
        std::cerr << "vcb-token: " << error << "\n";
        return 1;
    }
    const std::string token = signer->sign(payload);
    if (token.empty()) {
        std::cerr << "vcb-token: signing failed\n";
        return 1;
    }
    std::cout << token << "\n";
    return 0;
}
