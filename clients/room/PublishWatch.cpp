#include "clients/room/PublishWatch.hpp"

namespace vcb::room {

std::optional<std::string> PublishWatch::update(Clock::time_point now, bool watching,
                                                std::uint64_t videoBuffers,
                                                std::uint64_t audioBuffers) {
    const bool started = watching && !watching_;
    watching_ = watching;
    for (auto [stream, count] : {std::pair{&video_, videoBuffers}, {&audio_, audioBuffers}}) {
        // A new session's pipeline counts from zero again: any change is progress.
        if (started || !watching || count != stream->count) stream->movedAt = now;
        stream->count = count;
    }
    if (!watching) return std::nullopt;
    if (now - video_.movedAt > kStall) return "video";
    if (now - audio_.movedAt > kStall) return "audio";
    return std::nullopt;
}

}  // namespace vcb::room
