#pragma once
// The hall's on-screen texts (Vietnamese), one catalogue so wording is changed in one place.
// Rendered by textoverlay (Pango): the strings are UTF-8 with their diacritics.
#include <chrono>
#include <string>
#include <string_view>

namespace vcb::room {

enum class MessageId {
    Starting,         // starting up
    Connecting,       // connecting to the server
    WaitingForChair,  // lobby: waiting for the chair to start
    InSession,        // in session, nothing asked
    HandRaised,       // the unit's hand is raised
    Floor,            // the unit has the floor
    FloorTimeLeft,    // the unit has the floor, {time} left
    Muted,            // the chair muted the hall
    Reconnecting,     // connection lost, reconnecting in {seconds}
    Replaced,         // another session of this hall took over
    Ended,            // the meeting ended
    Refused,          // the server refused the hall: {reason}
    CameraUnavailable,
    NextMeeting,         // no `meeting` configured: the unit's next meeting, {title} at {time}
    NoMeeting,           // no `meeting` configured and the unit is invited to none
    CertificateRefused,  // wss://: the server's certificate was refused, retrying in {seconds}
};

// The catalogue text with {time}, {seconds}, {reason} and {title} replaced by the arguments given.
std::string message(MessageId id, std::string_view time = {}, std::string_view seconds = {},
                    std::string_view reason = {}, std::string_view title = {});
// Raw catalogue entry (tests: every id has a text).
std::string_view catalogueText(MessageId id);
// Whether a connection problem is the server's TLS certificate being refused (not trusted,
// expired, or made for another name): gstclient's TLS client words it "certificate verify
// failed: <why>" (clients/gst/ClientTls.hpp). The TV then says so instead of only "reconnecting",
// since waiting will not fix it: somebody must install the right CA file or certificate.
bool isRefusedCertificate(std::string_view problem);
// The text while waiting `left` for the next attempt after `problem` (whole seconds, rounded up):
// the refused certificate named, else "reconnecting".
std::string retryingMessage(std::string_view problem, std::chrono::steady_clock::duration left);
// "m:ss" for a number of seconds (negative → "0:00").
std::string minutesSeconds(long long seconds);

}  // namespace vcb::room
