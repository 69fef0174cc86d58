#pragma once
// The hall's TV and loudspeaker: one long-lived GStreamer pipeline that outlives every session, so
// the screen never goes blank — it shows the programme, or black, with the hall's state overlaid
// (textoverlay: Pango, so Vietnamese diacritics render), and plays the meeting's sound.
//
// Each session's subscribe PC (WebRtcPeer with decodedSink = attach()) decodes every stream it
// receives; its video streams go to an input-selector whose active pad is the programme
// participant's (meetingState.programmeParticipant), scaled to the display size; its audio
// streams are mixed (the server forwards only the audio that may be heard). Both cross into the
// display pipeline through intervideosink/interaudiosink (gst-plugins-bad "inter"), whose sources
// show black / play silence while no session feeds them.
//
// With echo cancellation the sound passes a webrtcechoprobe (named by echoProbeName()), which the
// microphone's webrtcdsp uses as its far-end reference.
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "clients/room/RoomConfig.hpp"

typedef struct _GstElement GstElement;
typedef struct _GstPad GstPad;

namespace vcb::room {

struct DisplayCounters {
    std::uint64_t displayFrames = 0;    // frames the display sink received (all)
    std::uint64_t programmeFrames = 0;  // programme frames that entered the display path
    std::uint64_t soundBuffers = 0;     // buffers the speaker sink received
    // display = test only: decoded display frames by picture (PictureClassifier) and sound
    // buffers with signal
    std::map<std::string, std::uint64_t> framesByPicture;
    std::uint64_t soundBuffersWithSignal = 0;
};

class RoomDisplay {
  public:
    explicit RoomDisplay(const RoomConfig& config);
    ~RoomDisplay();
    RoomDisplay(const RoomDisplay&) = delete;
    RoomDisplay& operator=(const RoomDisplay&) = delete;

    bool start(std::string* error);
    void stop();
    void setOverlay(const std::string& text);

    // For the subscribe PC (WebRtcPeerOptions::extraDescription / decodedSink).
    std::string subscribeDescription() const;
    void attach(GstElement* pipeline, GstPad* decoded, const std::string& kind,
                const std::string& msid);
    // The session's subscribe pipeline is gone: forget its pads.
    void detachAll();
    // Shows this participant's video (none: black).
    void setProgramme(const std::optional<std::string>& participantId);

    std::string echoProbeName() const { return probeName_; }
    DisplayCounters counters() const;
    // The first error of the display pipeline.
    std::string pipelineError() const;
    // The first error linking the current session's streams (cleared by detachAll()).
    std::string attachError() const;

  private:
    static int onBusMessage(void* bus, void* message, void* self);
    static int onDisplayBuffer(GstPad* pad, void* info, void* self);
    static int onSoundBuffer(GstPad* pad, void* info, void* self);
    void applyProgrammeLocked();

    const RoomConfig config_;
    const std::string videoChannel_, audioChannel_, probeName_;
    GstElement* pipeline_ = nullptr;
    GstElement* overlay_ = nullptr;

    mutable std::mutex mutex_;
    GstElement* selector_ = nullptr;                // of the current subscribe pipeline
    std::map<std::string, GstPad*> programmePads_;  // msid → selector sink pad (owned refs)
    std::optional<std::string> programme_;
    std::string activeMsid_;
    std::string pipelineError_;
    std::string attachError_;
    std::atomic<std::uint64_t> displayFrames_{0}, programmeFrames_{0}, soundBuffers_{0},
        soundWithSignal_{0};
    std::map<std::string, std::uint64_t> framesByPicture_;
};

}  // namespace vcb::room
