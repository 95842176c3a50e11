// ProRes 4444 with alpha in QuickTime, through FFmpeg's libavcodec (prores_ks) and libavformat (mov), with a
// timecode (tmcd) track. The clip is written to a temporary beside its name and renamed when complete.
extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/opt.h>
}

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>

#include "record/frame_writer.h"

namespace fl::record {

namespace {

std::string avError(int code) {
    char text[AV_ERROR_MAX_STRING_SIZE] = {};
    av_strerror(code, text, sizeof text);
    return text;
}

// BT.709 Y'CbCr, 10-bit video range (Y' 64..940, C 64..960), from sRGB-encoded values; alpha full range.
struct Yuva10 {
    uint16_t y, cb, cr, a;
};
Yuva10 toYuva10(const float* p) {
    const double r = std::clamp(double(p[0]), 0.0, 1.0), g = std::clamp(double(p[1]), 0.0, 1.0),
                 b = std::clamp(double(p[2]), 0.0, 1.0), a = std::clamp(double(p[3]), 0.0, 1.0);
    const double y = 0.2126 * r + 0.7152 * g + 0.0722 * b;
    const double cb = (b - y) / 1.8556, cr = (r - y) / 1.5748;
    return {uint16_t(std::lround(64 + 876 * y)), uint16_t(std::lround(512 + 896 * cb)),
            uint16_t(std::lround(512 + 896 * cr)), uint16_t(std::lround(1023 * a))};
}

class ProResWriter final : public FrameWriter {
public:
    ~ProResWriter() override {
        close();
        if (!m_finished && !m_temp.empty()) {
            std::error_code ec;
            std::filesystem::remove(m_temp, ec);  // never leave a partial clip under any name
        }
    }

    Status open(const WriterOptions& o) {
        m_o = o;
        const std::filesystem::path target(o.out);
        m_temp = (target.parent_path() /
                  ("." + target.filename().string() + ".frontline-tmp-" + std::to_string(::getpid()) + "-0"))
                     .string();
        const AVCodec* codec = avcodec_find_encoder_by_name("prores_ks");
        if (!codec) return Error{"this FFmpeg has no prores_ks encoder (libavcodec " LIBAVCODEC_IDENT ")"};
        int rc = avformat_alloc_output_context2(&m_format, nullptr, "mov", m_temp.c_str());
        if (rc < 0 || !m_format) return Error::inFile(o.out, "cannot create a QuickTime container: " + avError(rc));
        m_codec = avcodec_alloc_context3(codec);
        m_codec->width = o.width;
        m_codec->height = o.height;
        m_codec->pix_fmt = AV_PIX_FMT_YUVA444P10LE;
        m_codec->time_base = AVRational{int(o.rate.den), int(o.rate.num)};
        m_codec->framerate = AVRational{int(o.rate.num), int(o.rate.den)};
        m_codec->color_primaries = AVCOL_PRI_BT709;
        m_codec->color_trc = AVCOL_TRC_BT709;
        m_codec->colorspace = AVCOL_SPC_BT709;
        m_codec->color_range = AVCOL_RANGE_MPEG;
        m_codec->thread_count = 1;  // slices in one thread: the same bytes on every machine
        av_opt_set(m_codec->priv_data, "profile", "4444", 0);
        av_opt_set(m_codec->priv_data, "vendor", "apl0", 0);  // what QuickTime players expect of ProRes
        av_opt_set_int(m_codec->priv_data, "alpha_bits", 16, 0);
        if (m_format->oformat->flags & AVFMT_GLOBALHEADER) m_codec->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
        if ((rc = avcodec_open2(m_codec, codec, nullptr)) < 0)
            return Error::inFile(o.out, "cannot open the ProRes encoder: " + avError(rc));
        m_stream = avformat_new_stream(m_format, nullptr);
        avcodec_parameters_from_context(m_stream->codecpar, m_codec);
        m_stream->time_base = m_codec->time_base;
        m_stream->avg_frame_rate = m_codec->framerate;
        // The mov muxer writes a tmcd track from the video stream's "timecode" (drop-frame with ';').
        const std::string tc = timecode::format(o.startTimecodeFrame + o.firstFrame, o.rate);
        av_dict_set(&m_stream->metadata, "timecode", tc.c_str(), 0);
        av_dict_set(&m_format->metadata, "encoder", "Frontline", 0);
        // No creation time: the same frames give the same file.
        av_opt_set(m_format->priv_data, "movflags", "", 0);
        m_format->flags |= AVFMT_FLAG_BITEXACT;
        m_codec->flags |= AV_CODEC_FLAG_BITEXACT;
        if ((rc = avio_open(&m_format->pb, m_temp.c_str(), AVIO_FLAG_WRITE)) < 0)
            return Error::inFile(o.out, "cannot write: " + avError(rc));
        if ((rc = avformat_write_header(m_format, nullptr)) < 0)
            return Error::inFile(o.out, "cannot write the QuickTime header: " + avError(rc));
        m_frame = av_frame_alloc();
        m_frame->format = m_codec->pix_fmt;
        m_frame->width = o.width;
        m_frame->height = o.height;
        if ((rc = av_frame_get_buffer(m_frame, 0)) < 0) return Error{"cannot allocate a frame: " + avError(rc)};
        m_packet = av_packet_alloc();
        return Ok{};
    }

    std::string pathOf(int64_t) const override { return m_o.out; }
    bool complete(int64_t) const override { return false; }

    Status write(int64_t frame, const output::ImageRgbaF& image) override {
        int rc = av_frame_make_writable(m_frame);
        if (rc < 0) return Error{"cannot write the frame: " + avError(rc)};
        for (int y = 0; y < image.height; ++y) {
            uint16_t* planes[4];
            for (int i = 0; i < 4; ++i)
                planes[i] = reinterpret_cast<uint16_t*>(m_frame->data[i] + size_t(y) * m_frame->linesize[i]);
            for (int x = 0; x < image.width; ++x) {
                const Yuva10 v = toYuva10(image.at(x, y));
                planes[0][x] = v.y;
                planes[1][x] = v.cb;
                planes[2][x] = v.cr;
                planes[3][x] = v.a;
            }
        }
        m_frame->pts = frame - m_o.firstFrame;
        return send(m_frame);
    }

    Status finish() override {
        if (Status s = send(nullptr); !s) return s;
        int rc = av_write_trailer(m_format);
        if (rc < 0) return Error::inFile(m_o.out, "cannot finish the clip: " + avError(rc));
        avio_closep(&m_format->pb);
        std::error_code ec;
        std::filesystem::rename(m_temp, m_o.out, ec);
        if (ec) return Error::inFile(m_o.out, "cannot rename the finished clip into place: " + ec.message());
        m_finished = true;
        return Ok{};
    }

private:
    Status send(AVFrame* frame) {
        int rc = avcodec_send_frame(m_codec, frame);
        if (rc < 0) return Error::inFile(m_o.out, "ProRes encoding failed: " + avError(rc));
        while ((rc = avcodec_receive_packet(m_codec, m_packet)) >= 0) {
            av_packet_rescale_ts(m_packet, m_codec->time_base, m_stream->time_base);
            m_packet->stream_index = m_stream->index;
            rc = av_interleaved_write_frame(m_format, m_packet);
            if (rc < 0) return Error::inFile(m_o.out, "cannot write: " + avError(rc));
        }
        if (rc != AVERROR(EAGAIN) && rc != AVERROR_EOF)
            return Error::inFile(m_o.out, "ProRes encoding failed: " + avError(rc));
        return Ok{};
    }

    void close() {
        av_packet_free(&m_packet);
        av_frame_free(&m_frame);
        avcodec_free_context(&m_codec);
        if (m_format) {
            if (m_format->pb) avio_closep(&m_format->pb);
            avformat_free_context(m_format);
            m_format = nullptr;
        }
    }

    WriterOptions m_o;
    std::string m_temp;
    bool m_finished = false;
    AVFormatContext* m_format = nullptr;
    AVCodecContext* m_codec = nullptr;
    AVStream* m_stream = nullptr;
    AVFrame* m_frame = nullptr;
    AVPacket* m_packet = nullptr;
};

}  // namespace

Result<std::unique_ptr<FrameWriter>> openProResWriter(const WriterOptions& options) {
    auto w = std::make_unique<ProResWriter>();
    if (Status s = w->open(options); !s) return s.error();
    return std::unique_ptr<FrameWriter>(std::move(w));
}

}  // namespace fl::record
