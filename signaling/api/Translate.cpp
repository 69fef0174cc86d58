#include "signaling/api/Translate.hpp"

#include "signaling/http/Problem.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;

LocalTransportInfo toLocalInfo(const sfu::LocalTransportParameters& local) {
    return {local.iceUfrag, local.icePwd, local.fingerprint, local.candidates};
}

sfu::RemoteTransportParameters toRemote(const SessionDescription& remote) {
    return {remote.iceUfrag, remote.icePwd, remote.candidates, remote.fingerprintAlgorithm,
            remote.fingerprint};
}

std::vector<rooms::PublishTrack> toPublishTracks(const std::vector<MediaSection>& media,
                                                 const std::string& screenMid) {
    std::vector<rooms::PublishTrack> out;
    for (const auto& m : media) {
        if (m.rejected || m.codecs.empty()) continue;
        rooms::PublishTrack t;
        t.mid = m.mid;
        t.kind = m.kind;
        t.source = !screenMid.empty() && m.mid == screenMid && m.kind == sfu::MediaKind::Video
                       ? rooms::MediaSource::Screen
                       : rooms::defaultSource(m.kind);
        t.ssrc = m.ssrcs.empty() ? 0 : m.ssrcs.front();
        t.rtxSsrc = m.rtxSsrc.value_or(0);
        t.codec = m.codecs.front();  // the first negotiated codec is what the client sends
        t.extensions = m.extensions;
        out.push_back(std::move(t));
    }
    return out;
}

HttpResponse sdpProblem(const SdpError& error) {
    auto status = error.code() == SdpError::Code::UnsupportedMedia
                      ? http::status::unprocessable_entity
                  : error.code() == SdpError::Code::TooLarge ? http::status::payload_too_large
                                                             : http::status::bad_request;
    return problem(status, error.codeString(), error.message());
}

HttpResponse roomProblem(rooms::RoomError error, std::string_view detail) {
    using rooms::RoomError;
    http::status status = http::status::internal_server_error;
    switch (error) {
        case RoomError::MeetingNotFound:
            status = http::status::not_found;
            break;
        case RoomError::MeetingFull:
            status = http::status::service_unavailable;
            break;
        case RoomError::Unauthorized:
            status = http::status::unauthorized;
            break;
        case RoomError::Forbidden:
            status = http::status::forbidden;
            break;
        case RoomError::BadRequest:
            status = http::status::bad_request;
            break;
        case RoomError::Unavailable:
        case RoomError::TooManySessions:
            status = http::status::service_unavailable;
            break;
        case RoomError::NotJoined:
        case RoomError::AlreadyJoined:
            status = http::status::conflict;
            break;
        case RoomError::None:
            status = http::status::ok;
            break;
    }
    auto r = problem(status, rooms::roomErrorCode(error),
                     detail.empty() ? rooms::roomErrorCode(error) : detail);
    if (status == http::status::service_unavailable) r.header("Retry-After", "5");
    // RFC 6750 §3: the client should retry with (another) bearer token.
    if (status == http::status::unauthorized) r.header("WWW-Authenticate", "Bearer");
    return r;
}

std::string_view roomErrorText(rooms::RoomError error) {
    using rooms::RoomError;
    switch (error) {
        case RoomError::MeetingNotFound:
            return "no such meeting";
        case RoomError::MeetingFull:
            return "the meeting has reached its participant limit";
        case RoomError::TooManySessions:
            return "the server has reached its limit of media sessions";
        case RoomError::Unavailable:
            return "the server cannot take more meetings or media sessions now";
        case RoomError::Unauthorized:
            return "a valid access token is required";
        case RoomError::Forbidden:
            return "not allowed to join this meeting";
        default:
            break;
    }
    return rooms::roomErrorCode(error);
}

HttpResponse rateLimitedProblem(std::chrono::steady_clock::duration wait) {
    auto seconds = std::chrono::ceil<std::chrono::seconds>(wait).count();
    if (seconds < 1) seconds = 1;
    auto r = problem(http::status::too_many_requests, "rate_limited",
                     "too many join requests from this address; retry later");
    r.header("Retry-After", std::to_string(seconds));
    return r;
}

HttpResponse shutdownProblem() {
    auto r = problem(http::status::service_unavailable, "server_shutdown",
                     "the server is shutting down");
    r.header("Retry-After", "5");
    return r;
}

}  // namespace vcb::signaling
