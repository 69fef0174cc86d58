#pragma once
// The REST API of meetings as records (docs/protocol.md "REST API: meetings"):
//   POST   /api/meetings                       create (201 + Location)
//   GET    /api/meetings[?state=]              list
//   GET    /api/meetings/{id}                  one meeting
//   GET    /api/next-meeting[?unit=]           the meeting a unit's "*" token holder is in next
//   PATCH  /api/meetings/{id}                  change fields (JSON merge of the given fields)
//   DELETE /api/meetings/{id}                  delete with all its records
//   GET    /api/meetings/{id}/attendance       JSON, or CSV (Accept: text/csv or ?format=csv)
//   GET    /api/meetings/{id}/events[?from=&limit=]  the append-only event log (minutes)
//   POST   /api/meetings/{id}/recordings       start recording the live meeting (202)
//   POST   /api/meetings/{id}/recordings/stop  stop it (202)
//   GET    /api/meetings/{id}/recordings       the meeting's recordings, from their sidecars
//   GET    /api/meetings/{id}/recordings/{file}  a file of them (Range: one byte range), with the
//                                        bearer token or a download ticket (?ticket=)
//   POST   /api/meetings/{id}/recordings/{file}/link  a download address with a ticket valid 60 s
// Every error is an RFC 9457 problem with a stable code. Handlers never block: writes are posted
// to MeetingStoreWriter and answered from its completion callback (after COMMIT); reads run on
// MeetingDirectory's reader thread.
#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>

#include "rooms/Conference.hpp"
#include "rooms/MeetingDirectory.hpp"
#include "signaling/api/ApiAuthorizer.hpp"
#include "signaling/http/HttpRouter.hpp"

namespace vcb::signaling {

class MeetingsApi {
  public:
    using Clock = std::function<int64_t()>;  // milliseconds since the epoch
    static constexpr size_t kMaxBodyBytes = 16 * 1024;

    // `directory` may be null (no database configured): every call is then 503 no_database.
    MeetingsApi(rooms::MeetingDirectory* directory, ApiAuthorizer authorizer, Clock clock = {});

    // The live meetings, for GET /api/meetings/{id}/stats (works without a database too).
    void setConference(rooms::Conference* conference) { conference_ = conference; }

    // Where recordings are (config recording.dir); empty: the recording routes answer
    // 409 recording_disabled.
    void setRecordingDir(std::string dir) { recordingDir_ = std::move(dir); }

    // How long before its scheduled start a meeting's lobby opens (config
    // lobby_opens_before_seconds): GET /api/next-meeting says from when a hall may join.
    void setLobbyOpensBefore(std::chrono::seconds s) { lobbyOpensBefore_ = s; }

    void registerRoutes(HttpRouter& router);

    // RFC 4180 CSV of an attendance report: UTF-8 with a BOM, CRLF line ends, a header row.
    static std::string attendanceCsv(const rooms::AttendanceReport& report);

  private:
    void create(HttpRequest request, HttpResponder responder);
    void list(HttpRequest request, HttpResponder responder);
    void get(HttpRequest request, HttpResponder responder);
    void next(const std::string& unit, HttpResponder responder);
    void patch(HttpRequest request, HttpResponder responder);
    void remove(HttpRequest request, HttpResponder responder);
    void attendance(HttpRequest request, HttpResponder responder);
    void events(HttpRequest request, HttpResponder responder);
    void stats(HttpRequest request, HttpResponder responder);
    // Recordings (docs/recording.md "The server side"): technician or admin tokens only.
    void recordingStart(HttpRequest request, HttpResponder responder);
    void recordingStop(HttpRequest request, HttpResponder responder);
    void recordingList(HttpRequest request, HttpResponder responder);
    void recordingFile(HttpRequest request, HttpResponder responder);
    void recordingLink(HttpRequest request, HttpResponder responder);
    // Whether `file` is a safe name that a sidecar of meeting `id` lists.
    bool listedRecordingFile(const std::string& id, const std::string& file) const;
    // Download tickets: "<expires ms>.<HMAC-SHA256 hex>" over the meeting, the file and the
    // expiry, keyed by ticketKey_ (random per process: a restart voids them). A browser cannot put
    // a bearer token on a plain link, and a link is what lets it stream a file to disk.
    std::string downloadTicket(const std::string& id, const std::string& file,
                               int64_t expiresMs) const;
    bool validTicket(const std::string& id, const std::string& file,
                     const std::string& ticket) const;

    rooms::MeetingDirectory* directory_;
    rooms::Conference* conference_ = nullptr;
    std::string recordingDir_;
    std::chrono::seconds lobbyOpensBefore_{1800};
    ApiAuthorizer authorizer_;
    Clock clock_;
    std::array<unsigned char, 32> ticketKey_{};
};

}  // namespace vcb::signaling
