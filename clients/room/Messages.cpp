#include "clients/room/Messages.hpp"

#include <algorithm>
#include <cstdio>

namespace vcb::room {

std::string_view catalogueText(MessageId id) {
    switch (id) {
        case MessageId::Starting:
            return "Đang khởi động…";
        case MessageId::Connecting:
            return "Đang kết nối tới máy chủ…";
        case MessageId::WaitingForChair:
            return "Đang chờ chủ tọa khai mạc cuộc họp";
        case MessageId::InSession:
            return "Cuộc họp đang diễn ra";
        case MessageId::HandRaised:
            return "Đã giơ tay xin phát biểu";
        case MessageId::Floor:
            return "Mời đơn vị phát biểu";
        case MessageId::FloorTimeLeft:
            return "Mời đơn vị phát biểu — còn {time}";
        case MessageId::Muted:
            return "Chủ tọa đã tắt tiếng";
        case MessageId::Reconnecting:
            return "Mất kết nối — đang kết nối lại sau {seconds} giây";
        case MessageId::Replaced:
            return "Một thiết bị khác của phòng họp đang kết nối";
        case MessageId::Ended:
            return "Cuộc họp đã kết thúc";
        case MessageId::Refused:
            return "Máy chủ từ chối: {reason}";
        case MessageId::CameraUnavailable:
            return "Không có camera";
        case MessageId::NextMeeting:
            return "Cuộc họp tiếp theo: {title} — {time}";
        case MessageId::NoMeeting:
            return "Chưa có cuộc họp";
        case MessageId::CertificateRefused:
            return "Chứng chỉ bảo mật của máy chủ không hợp lệ — thử lại sau {seconds} giây";
    }
    return "";
}

std::string message(MessageId id, std::string_view time, std::string_view seconds,
                    std::string_view reason, std::string_view title) {
    std::string out(catalogueText(id));
    const std::pair<std::string_view, std::string_view> fields[] = {
        {"{time}", time}, {"{seconds}", seconds}, {"{reason}", reason}, {"{title}", title}};
    for (const auto& [key, value] : fields) {
        for (auto at = out.find(key); at != std::string::npos;
             at = out.find(key, at + value.size()))
            out.replace(at, key.size(), value);
    }
    return out;
}

bool isRefusedCertificate(std::string_view problem) {
    return problem.find("certificate verify failed") != std::string_view::npos;
}

std::string retryingMessage(std::string_view problem, std::chrono::steady_clock::duration left) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(left).count();
    return message(
        isRefusedCertificate(problem) ? MessageId::CertificateRefused : MessageId::Reconnecting, {},
        std::to_string(std::max<long long>(0, (ms + 999) / 1000)));
}

std::string minutesSeconds(long long seconds) {
    if (seconds < 0) seconds = 0;
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld:%02lld", seconds / 60, seconds % 60);
    return buf;
}

}  // namespace vcb::room
