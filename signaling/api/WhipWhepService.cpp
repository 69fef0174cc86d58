#include "signaling/api/WhipWhepService.hpp"

#include <openssl/rand.h>
#include <strings.h>

#include <cctype>
#include <map>
#include <optional>

#include "common/Log.hpp"
#include "protocol/Validation.hpp"
#include "signaling/api/Translate.hpp"
#include "signaling/http/Problem.hpp"
#include "signaling/sdp/Negotiator.hpp"
#include "signaling/sdp/SdpParser.hpp"
#include "signaling/sdp/SdpWriter.hpp"

namespace vcb::signaling {

namespace http = boost::beast::http;

namespace {

bool isMediaType(std::string_view header, std::string_view type) {
    auto semi = header.find(';');
    std::string_view base = header.substr(0, semi);
    while (!base.empty() && base.back() == ' ') base.remove_suffix(1);
    if (base.size() != type.size()) return false;
    for (size_t i = 0; i < base.size(); ++i) {
        if (std::tolower(static_cast<unsigned char>(base[i])) != type[i]) return false;
    }
    return true;
}

uint32_t randomSsrc() {
    uint32_t v = 0;
    while (v == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&v), sizeof v);
    return v;
}

// Forgets the WHIP/WHEP session when the conference drops its connection (ICE/DTLS failure,
// silence), so a later DELETE gets 404 instead of touching a stranger.
class SessionObserver final : public rooms::MeetingObserver {
  public:
    explicit SessionObserver(std::weak_ptr<SessionRegistry> sessions)
        : sessions_(std::move(sessions)) {}
    void onMeetingEvent(const rooms::MeetingEvent& e) override {
        if (e.type != rooms::MeetingEvent::Type::TransportClosed) return;
        if (auto s = sessions_.lock()) s->remove(e.transportId);
    }

  private:
    std::weak_ptr<SessionRegistry> sessions_;
};

const char* prefix(bool publish) { return publish ? "/whip/" : "/whep/"; }

// RFC 8839 §5.4: ice-char = ALPHA / DIGIT / "+" / "/"; ufrag 4-256, pwd 22-256 characters.
bool isIceToken(std::string_view s, size_t minLen) {
    if (s.size() < minLen || s.size() > 256) return false;
    for (char c : s) {
        if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '/') return false;
    }
    return true;
}

// What a PATCH body (RFC 8840 trickle-ice-sdpfrag) says, as far as an ICE-lite server cares.
struct SdpFrag {
    std::optional<std::string> ufrag;
    std::optional<std::string> pwd;
    std::string firstMLine;  // "m=audio 9 UDP/TLS/RTP/SAVPF 0", echoed in a restart answer
    std::string firstMid;
    std::string error;  // non-empty: malformed
};

SdpFrag parseSdpFrag(std::string_view body) {
    SdpFrag frag;
    size_t lines = 0;
    size_t pos = 0;
    while (pos < body.size() && lines < 1000) {
        size_t end = body.find('\n', pos);
        std::string_view line =
            body.substr(pos, end == std::string_view::npos ? std::string_view::npos : end - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.rfind("a=candidate:", 0) == 0) {
            if (!SdpParser::parseCandidate(line.substr(2))) {
                frag.error = "malformed candidate";
                return frag;
            }
        } else if (line.rfind("a=ice-ufrag:", 0) == 0) {
            frag.ufrag = std::string(line.substr(12));
        } else if (line.rfind("a=ice-pwd:", 0) == 0) {
            frag.pwd = std::string(line.substr(10));
        } else if (line.rfind("m=", 0) == 0 && frag.firstMLine.empty()) {
            frag.firstMLine = std::string(line);
        } else if (line.rfind("a=mid:", 0) == 0 && frag.firstMid.empty()) {
            frag.firstMid = std::string(line.substr(6));
        }
        ++lines;
        if (end == std::string_view::npos) break;
        pos = end + 1;
    }
    if (frag.ufrag.has_value() != frag.pwd.has_value()) {
        frag.error = "a=ice-ufrag and a=ice-pwd come together";
    } else if (frag.ufrag && (!isIceToken(*frag.ufrag, 4) || !isIceToken(*frag.pwd, 22))) {
        frag.error = "malformed a=ice-ufrag or a=ice-pwd";
    } else if (frag.firstMid.size() > 32 || frag.firstMLine.size() > 256) {
        frag.error = "oversized m= or a=mid line";
    }
    return frag;
}

// RFC 9725 §4.4.2: the server's new ICE credentials and candidates for the client's restart.
std::string restartAnswer(const SdpFrag& frag, const sfu::LocalTransportParameters& local) {
    std::string out =
        "a=ice-lite\r\na=ice-ufrag:" + local.iceUfrag + "\r\na=ice-pwd:" + local.icePwd + "\r\n";
    if (!frag.firstMLine.empty()) out += frag.firstMLine + "\r\n";
    if (!frag.firstMid.empty()) out += "a=mid:" + frag.firstMid + "\r\n";
    for (const auto& c : local.candidates) out += "a=candidate:" + formatCandidate(c) + "\r\n";
    out += "a=end-of-candidates\r\n";
    return out;
}

}  // namespace

WhipWhepService::WhipWhepService(rooms::Conference& conference,
                                 std::shared_ptr<SessionRegistry> sessions,
                                 std::shared_ptr<RateLimiter> joinLimiter)
    : conference_(conference),
      sessions_(std::move(sessions)),
      joinLimiter_(std::move(joinLimiter)) {}

void WhipWhepService::registerRoutes(HttpRouter& router) {
    router.add({http::verb::post}, "/whip/{meeting}", [this](HttpRequest r, HttpResponder res) {
        post(Mode::Publish, std::move(r), std::move(res));
    });
    router.add({http::verb::post}, "/whep/{meeting}", [this](HttpRequest r, HttpResponder res) {
        post(Mode::View, std::move(r), std::move(res));
    });
    router.add({http::verb::post}, "/whep/{meeting}/{participant}",
               [this](HttpRequest r, HttpResponder res) {
                   post(Mode::View, std::move(r), std::move(res));
               });
    for (Mode mode : {Mode::Publish, Mode::View}) {
        std::string path =
            std::string(prefix(mode == Mode::Publish)) + "{meeting}/session/{session}";
        router.add({http::verb::delete_, http::verb::patch}, path,
                   [this, mode](HttpRequest r, HttpResponder res) {
                       if (r.method == http::verb::delete_) {
                           remove(mode, r, res);
                       } else {
                           patch(mode, r, res);
                       }
                   });
    }
}

void WhipWhepService::post(Mode mode, HttpRequest request, HttpResponder responder) {
    if (draining_) return responder.respond(shutdownProblem());
    // Before any parsing: the limit also caps the CPU an address can spend on SDP.
    if (joinLimiter_) {
        if (auto wait = joinLimiter_->acquire(request.remoteAddress, RateLimiter::Clock::now()))
            return responder.respond(rateLimitedProblem(*wait));
    }
    if (!isMediaType(request.header("Content-Type"), "application/sdp")) {
        return responder.respond(
            problem(http::status::unsupported_media_type, "unsupported_media_type",
                    "the body must be an SDP offer (Content-Type: application/sdp)"));
    }
    auto parsed = SdpParser::parse(request.body);
    if (!parsed) return responder.respond(sdpProblem(parsed.error()));
    auto offer = std::make_shared<SessionDescription>(std::move(parsed.value()));
    bool publish = mode == Mode::Publish;
    // Dry run with placeholder transport parameters: refuse unusable offers before joining.
    {
        Negotiator probe;
        LocalTransportInfo dummy{"probeufr", "probepasswordprobepasswd", "00:00", {}};
        auto check =
            probe.answer(*offer, dummy, publish ? AnswerPurpose::Publish : AnswerPurpose::View);
        if (!check) return responder.respond(sdpProblem(check.error()));
    }

    std::string meetingId(request.param("meeting"));
    std::string target(request.param("participant"));
    if (!protocol::isValidMeetingId(meetingId) ||
        (!target.empty() && !protocol::isValidId(target))) {
        return responder.respond(
            problem(http::status::bad_request, "bad_meeting_id",
                    "meeting and participant ids are 1-64 characters of A-Z a-z 0-9 _ -"));
    }
    std::string name = request.queryParameter("name").value_or("");
    if (!protocol::isValidDisplayName(name)) name = publish ? "WHIP publisher" : "WHEP viewer";
    std::string token;
    // RFC 6750 §2.1; the scheme name is case-insensitive (RFC 9110 §11.1).
    if (auto auth = request.header("Authorization");
        auth.size() > 7 && ::strncasecmp(auth.data(), "Bearer ", 7) == 0) {
        auto value = auth.substr(7);
        while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
        while (!value.empty() && value.back() == ' ') value.remove_suffix(1);
        token = std::string(value);
    }

    rooms::JoinCredentials creds{
        meetingId, name, token,
        publish ? rooms::ClientKind::WhipPublisher : rooms::ClientKind::WhepViewer,
        request.remoteAddress};
    auto observer = std::make_shared<SessionObserver>(sessions_);
    rooms::Conference& conf = conference_;
    auto sessions = sessions_;
    conf.join(
        creds, observer,
        [&conf, sessions, offer, publish, meetingId, target, responder](rooms::JoinResult joined) {
            if (joined.error != rooms::RoomError::None) {
                // A government meeting's policy refusal names its code (not_invited, removed...).
                return responder.respond(roomProblem(
                    joined.error, joined.detail.empty()
                                      ? std::string(roomErrorText(joined.error))
                                      : "refused by the meeting policy: " + joined.detail));
            }
            std::string pid = joined.participantId;
            conf.createTransport(
                meetingId, pid,
                [&conf, sessions, offer, publish, meetingId, target, pid,
                 responder](rooms::TransportResult tr) {
                    if (tr.error != rooms::RoomError::None) {
                        conf.leave(meetingId, pid);
                        return responder.respond(roomProblem(tr.error, tr.detail));
                    }
                    Negotiator negotiator;
                    std::map<std::string, SendStream> sendStreams;
                    std::string streamId = target.empty() ? "programme" : target;
                    if (!publish) {
                        for (const auto& m : offer->media) {
                            if (m.rejected) continue;
                            const bool video = m.kind == sfu::MediaKind::Video;
                            sendStreams[m.mid] = SendStream{
                                randomSsrc(), "vcbridge", streamId,
                                streamId + (video ? "-video" : "-audio"),
                                video ? randomSsrc() : 0};  // RTX, if the viewer offered it
                        }
                    }
                    auto negotiated = negotiator.answer(
                        *offer, toLocalInfo(tr.local),
                        publish ? AnswerPurpose::Publish : AnswerPurpose::View, sendStreams);
                    if (!negotiated) {
                        conf.leave(meetingId, pid);
                        return responder.respond(sdpProblem(negotiated.error()));
                    }
                    auto answer = std::make_shared<std::string>(std::move(negotiated->sdp));
                    std::string location =
                        std::string(prefix(publish)) + meetingId + "/session/" + tr.transportId;
                    std::string transportId = tr.transportId;
                    auto finish = [sessions, responder, answer, location, meetingId, pid,
                                   transportId,
                                   publish](rooms::RoomError err, const std::string& detail) {
                        if (err != rooms::RoomError::None)
                            return responder.respond(roomProblem(err, detail));
                        sessions->add(transportId,
                                      SessionRecord{meetingId, pid,
                                                    publish ? rooms::ClientKind::WhipPublisher
                                                            : rooms::ClientKind::WhepViewer,
                                                    "\"" + transportId.substr(0, 8) + "\""});
                        HttpResponse r;
                        r.status = http::status::created;
                        r.contentType = "application/sdp";
                        r.body = *answer;
                        r.header("Location", location);
                        r.header("ETag", "\"" + transportId.substr(0, 8) + "\"");
                        // Lets a WHIP client name this publisher in /whep/{meeting}/{participant}.
                        if (publish) r.header("X-Participant-Id", pid);
                        responder.respond(std::move(r));
                    };
                    if (publish) {
                        conf.publish(meetingId, pid, transportId, toRemote(negotiated->remote),
                                     toPublishTracks(negotiated->media),
                                     [&conf, finish, meetingId, pid](rooms::PublishResult pr) {
                                         if (pr.error != rooms::RoomError::None)
                                             conf.leave(meetingId, pid);
                                         finish(pr.error, pr.detail);
                                     });
                    } else {
                        std::vector<rooms::ViewTrack> tracks;
                        for (const auto& m : negotiated->media) {
                            if (m.rejected || m.ssrcs.empty()) continue;
                            rooms::ViewTrack t;
                            t.mid = m.mid;
                            t.ssrc = m.ssrcs.front();
                            t.rtxSsrc = m.rtxSsrc.value_or(0);
                            t.cname = "vcbridge";
                            t.codecs = m.codecs;
                            t.extensions = m.extensions;
                            t.source.kind = m.kind;
                            t.source.source = rooms::defaultSource(m.kind);
                            t.source.mode = target.empty()
                                                ? rooms::MediaSelector::Mode::Programme
                                                : rooms::MediaSelector::Mode::Participant;
                            t.source.participantId = target;
                            tracks.push_back(std::move(t));
                        }
                        conf.view(meetingId, pid, transportId, toRemote(negotiated->remote),
                                  std::move(tracks),
                                  [&conf, finish, meetingId, pid](rooms::RoomError err,
                                                                  std::string detail) {
                                      if (err != rooms::RoomError::None) conf.leave(meetingId, pid);
                                      finish(err, detail);
                                  });
                    }
                });
        });
}

void WhipWhepService::remove(Mode mode, const HttpRequest& request,
                             const HttpResponder& responder) {
    std::string sessionId(request.param("session"));
    auto record = sessions_->find(sessionId);
    rooms::ClientKind kind =
        mode == Mode::Publish ? rooms::ClientKind::WhipPublisher : rooms::ClientKind::WhepViewer;
    if (!record || record->meetingId != request.param("meeting") || record->kind != kind) {
        return responder.respond(problem(http::status::not_found, "not_found", "no such session"));
    }
    sessions_->remove(sessionId);
    conference_.leave(record->meetingId, record->participantId);
    HttpResponse r;
    r.status = http::status::ok;
    responder.respond(std::move(r));
}

void WhipWhepService::patch(Mode mode, const HttpRequest& request, const HttpResponder& responder) {
    std::string sessionId(request.param("session"));
    auto record = sessions_->find(sessionId);
    rooms::ClientKind kind =
        mode == Mode::Publish ? rooms::ClientKind::WhipPublisher : rooms::ClientKind::WhepViewer;
    if (!record || record->meetingId != request.param("meeting") || record->kind != kind) {
        return responder.respond(problem(http::status::not_found, "not_found", "no such session"));
    }
    if (!isMediaType(request.header("Content-Type"), "application/trickle-ice-sdpfrag")) {
        return responder.respond(problem(http::status::unsupported_media_type,
                                         "unsupported_media_type",
                                         "expected application/trickle-ice-sdpfrag"));
    }
    auto ifMatch = request.header("If-Match");
    if (!ifMatch.empty() && ifMatch != "*" && ifMatch != record->etag) {
        return responder.respond(problem(http::status::precondition_failed, "etag_mismatch",
                                         "If-Match does not match the session's ETag"));
    }
    // The server is ICE-lite: it learns the client's addresses from its connectivity checks, so
    // well-formed trickled candidates need no action beyond validation.
    SdpFrag frag = parseSdpFrag(request.body);
    if (!frag.error.empty()) {
        return responder.respond(problem(http::status::bad_request, "bad_sdpfrag", frag.error));
    }
    if (!frag.ufrag) {
        HttpResponse r;
        r.status = http::status::no_content;
        return responder.respond(std::move(r));
    }
    // ICE credentials: the current ones (a trickle fragment naming its ICE session, 204) or new
    // ones, an ICE restart (RFC 9725 §4.4.2): the server draws new credentials and answers 200.
    sfu::RemoteTransportParameters remote;
    remote.iceUfrag = *frag.ufrag;
    remote.icePwd = *frag.pwd;
    auto sessions = sessions_;
    conference_.restartIce(
        record->meetingId, record->participantId, sessionId, std::move(remote),
        [sessions, sessionId, frag = std::move(frag), responder](rooms::IceRestartResult result) {
            if (result.error != rooms::RoomError::None)
                return responder.respond(roomProblem(result.error, result.detail));
            HttpResponse r;
            if (!result.restarted) {
                r.status = http::status::no_content;
                return responder.respond(std::move(r));
            }
            const std::string etag = "\"" + result.local.iceUfrag + "\"";
            sessions->setEtag(sessionId, etag);
            r.status = http::status::ok;
            r.contentType = "application/trickle-ice-sdpfrag";
            r.body = restartAnswer(frag, result.local);
            r.header("ETag", etag);
            responder.respond(std::move(r));
        });
}

}  // namespace vcb::signaling
