// `frontline record` as a user runs it: determinism across shards and runs, resume after a kill, the wait for
// full detail and its timeout, the formats read back (PNG16 and EXR against the 8-bit frame, the ProRes clip
// decoded with libavcodec), --alpha, and one-line errors with exit 2 for bad input. Small frames (160x90).
#include <gtest/gtest.h>

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <ImfHeader.h>
#include <ImfRgbaFile.h>
#include <ImfStandardAttributes.h>

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
}

#include <chrono>
#include <cmath>
#include <filesystem>
#include <thread>

#include "output/image.h"
#include "record/frame_writer.h"

#include "support/cli_run.h"

namespace fs = std::filesystem;
using namespace fl::testing;

namespace {

CliRun run(const std::string& args) {
    return runFrontline(args, "FRONTLINE_VALIDATION=1");
}

std::string bytesOf(const fs::path& p) {
    return slurp(p);
}

// Frames 200..209 at 25 fps: the fly-to, where every frame needs tiles the one before did not.
constexpr const char* kSmall = " --size 160x90 ";

}  // namespace

TEST(Record, ShardsAndRunsGiveByteIdenticalFrames) {
    const fs::path whole = tempDir() / "whole", shards = tempDir() / "shards";
    CliRun r = run("record" + std::string(kSmall) + "--frames 200-209 --out '" + whole.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_EQ(r.err.find("validation"), std::string::npos) << r.err;
    r = run("record" + std::string(kSmall) + "--frames 205-209 --out '" + shards.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = run("record" + std::string(kSmall) + "--frames 200-204 --out '" + shards.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    for (int n = 200; n <= 209; ++n) {
        const std::string name = fl::record::sequencePath("", n, "png");
        ASSERT_TRUE(fs::exists(whole / name)) << name;
        EXPECT_EQ(bytesOf(whole / name), bytesOf(shards / name)) << name << " differs between one run and shards";
    }
    EXPECT_NE(bytesOf(whole / fl::record::sequencePath("", 200, "png")),
              bytesOf(whole / fl::record::sequencePath("", 209, "png")))
        << "the shot moves";
}

TEST(Record, ResumeAfterAKillEqualsAnUninterruptedRun) {
    const fs::path ref = tempDir() / "ref", killed = tempDir() / "killed";
    CliRun r = run("record" + std::string(kSmall) + "--frames 0-5 --out '" + ref.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const pid_t pid = ::fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
        ::execl(FRONTLINE_EXE, FRONTLINE_EXE, "record", "--size", "160x90", "--frames", "0-5", "--out", killed.c_str(),
                static_cast<char*>(nullptr));
        ::_exit(127);
    }
    // Killed (no chance to clean up) once a couple of frames are done: mid-frame, as a crash would.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::minutes(5);
    while (!fs::exists(killed / fl::record::sequencePath("", 1, "png")) && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    r = run("record" + std::string(kSmall) + "--frames 0-5 --resume --json --out '" + killed.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("\"frame\":0,"), std::string::npos);
    EXPECT_NE(r.out.find("\"skipped\":true"), std::string::npos) << "finished frames are kept: " << r.out;
    for (int n = 0; n <= 5; ++n) {
        const std::string name = fl::record::sequencePath("", n, "png");
        EXPECT_EQ(bytesOf(ref / name), bytesOf(killed / name)) << name;
    }
    for (const auto& e : fs::directory_iterator(killed))
        EXPECT_EQ(e.path().filename().string().find(".frontline-tmp-"), std::string::npos) << e.path();
}

TEST(Record, WaitsForDetailAndTheTimeoutNamesTheTiles) {
    const fs::path out = tempDir() / "timeout";
    // The first frame needs tens of tiles; a millisecond is not enough to load and upload them.
    CliRun r = run("record" + std::string(kSmall) + "--frames 0-0 --timeout 0.001 --out '" + out.string() + "'");
    EXPECT_EQ(r.exitCode, 3) << r.err;  // degraded, as `render` says it
    EXPECT_NE(r.err.find("frontline: error: frame 0 is not at full detail"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tiles "), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("/"), std::string::npos) << "tiles are named z/x/y: " << r.err;
    EXPECT_FALSE(fs::exists(out / fl::record::sequencePath("", 0, "png"))) << "no degraded frame passed off as done";
    r = run("record" + std::string(kSmall) + "--frames 0-0 --timeout 0.001 --allow-degraded --json --out '" +
            out.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("\"degraded\":true"), std::string::npos) << r.out;
    // With time, the same frame waits for its tiles and says how many.
    r = run("record" + std::string(kSmall) + "--frames 0-0 --json --out '" + (tempDir() / "full").string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    EXPECT_NE(r.out.find("\"degraded\":false"), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\"tilesWaited\":0,"), std::string::npos) << "a cold start waits for tiles: " << r.out;
}

TEST(Record, Png16AndExrHoldTheSameFrameAsThe8BitPng) {
    const fs::path d = tempDir() / "formats";
    for (const char* f : {"png", "png16", "exr"}) {
        const CliRun r = run("record" + std::string(kSmall) +
                             "--frames 250-250 --fps 29.97 --start-timecode "
                             "'01:00:00;00' --format " +
                             f + " --out '" + (d / f).string() + "'");
        ASSERT_EQ(r.exitCode, 0) << f << ": " << r.err;
    }
    auto png8 = fl::output::readPng((d / "png" / fl::record::sequencePath("", 250, "png")).string());
    auto png16 = fl::output::readPng16((d / "png16" / fl::record::sequencePath("", 250, "png")).string());
    ASSERT_TRUE(png8) << png8.error().message;
    ASSERT_TRUE(png16) << png16.error().message;
    ASSERT_EQ(png16->width, 160);
    int worst = 0;
    for (size_t i = 0; i < png8->pixels.size(); ++i)
        worst = std::max(worst, std::abs(int(std::lround(png16->pixels[i] / 257.0)) - int(png8->pixels[i])));
    EXPECT_LE(worst, 1) << "16-bit and 8-bit frames agree to the 8-bit rounding";

    Imf::RgbaInputFile exr((d / "exr" / fl::record::sequencePath("", 250, "exr")).c_str());
    EXPECT_EQ(exr.header().compression(), Imf::ZIP_COMPRESSION);
    ASSERT_TRUE(Imf::hasTimeCode(exr.header()));
    const Imf::TimeCode tc = Imf::timeCode(exr.header());
    // Frame 250 after 01:00:00;00 at 29.97 drop-frame: 01:00:08;10.
    EXPECT_EQ(tc.hours(), 1);
    EXPECT_EQ(tc.seconds(), 8);
    EXPECT_EQ(tc.frame(), 10);
    EXPECT_TRUE(tc.dropFrame());
    ASSERT_TRUE(Imf::hasFramesPerSecond(exr.header()));
    EXPECT_EQ(Imf::framesPerSecond(exr.header()).n, 30000);
    EXPECT_EQ(Imf::framesPerSecond(exr.header()).d, 1001u);
    const Imath::Box2i box = exr.dataWindow();
    std::vector<Imf::Rgba> px(size_t(160) * 90);
    exr.setFrameBuffer(px.data() - box.min.x - box.min.y * 160, 1, 160);
    exr.readPixels(box.min.y, box.max.y);
    double worstExr = 0;
    for (size_t i = 0; i < px.size(); ++i) {
        const float a = px[i].a;
        ASSERT_NEAR(a, png16->pixels[i * 4 + 3] / 65535.0, 1e-3);
        // Linear and premultiplied in the file; the PNG is sRGB-encoded and straight.
        const float lin = a > 0 ? float(px[i].g) / a : 0.0f;
        const float srgb = fl::record::srgbToLinear(png16->pixels[i * 4 + 1] / 65535.0f);
        worstExr = std::max(worstExr, double(std::abs(lin - srgb)));
    }
    EXPECT_LT(worstExr, 2e-3) << "half floats hold the frame to ~11 bits";
}

TEST(Record, ProResClipDecodesWithAlphaTimecodeAndExactRate) {
    const fs::path d = tempDir() / "prores";
    const fs::path clip = d / "shot.mov";
    // A low camera that sees the sky (the default shot looks down at the ground throughout).
    const std::string shot =
        std::string(kSmall) + "--camera 31.0,66.2,15000,120,-5 --frames 100-105 --fps 29.97 --alpha ";
    CliRun r = run("record" + shot + "--start-timecode '01:00:00;00' --format prores --out '" + clip.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    r = run("record" + shot + "--out '" + (d / "png").string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;

    AVFormatContext* fmt = nullptr;
    ASSERT_EQ(avformat_open_input(&fmt, clip.c_str(), nullptr, nullptr), 0);
    ASSERT_GE(avformat_find_stream_info(fmt, nullptr), 0);
    const int vi = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
    ASSERT_GE(vi, 0);
    AVStream* st = fmt->streams[vi];
    EXPECT_EQ(st->codecpar->codec_id, AV_CODEC_ID_PRORES);
    // Encoded from yuva444p10le; FFmpeg 5.1's decoder hands 4444 out as 12-bit (yuva444p12le): either way a
    // 4:4:4 format with an alpha plane.
    const AVPixFmtDescriptor* desc = av_pix_fmt_desc_get(AVPixelFormat(st->codecpar->format));
    ASSERT_NE(desc, nullptr);
    EXPECT_TRUE(st->codecpar->format == AV_PIX_FMT_YUVA444P10LE || st->codecpar->format == AV_PIX_FMT_YUVA444P12LE)
        << desc->name;
    EXPECT_TRUE(desc->flags & AV_PIX_FMT_FLAG_ALPHA) << desc->name;
    const double alphaMax = double((1 << desc->comp[3].depth) - 1);
    EXPECT_EQ(st->codecpar->profile, FF_PROFILE_PRORES_4444);
    EXPECT_EQ(st->avg_frame_rate.num, 30000);
    EXPECT_EQ(st->avg_frame_rate.den, 1001);
    const AVDictionaryEntry* tc = av_dict_get(st->metadata, "timecode", nullptr, 0);
    ASSERT_NE(tc, nullptr) << "a tmcd track";
    // The clip starts at frame 100: 01:00:00;00 + 100 frames = 01:00:03;10.
    EXPECT_STREQ(tc->value, "01:00:03;10");

    const AVCodec* codec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext* dec = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(dec, st->codecpar);
    ASSERT_EQ(avcodec_open2(dec, codec, nullptr), 0);
    AVPacket* pkt = av_packet_alloc();
    AVFrame* frame = av_frame_alloc();
    int frames = 0;
    auto check = [&] {
        const int n = 100 + frames;
        auto png = fl::output::readPng((d / "png" / fl::record::sequencePath("", n, "png")).string());
        ASSERT_TRUE(png) << png.error().message;
        int worst = 0, transparent = 0;
        for (int y = 0; y < 90; ++y) {
            const uint16_t* a = reinterpret_cast<const uint16_t*>(frame->data[3] + y * frame->linesize[3]);
            for (int x = 0; x < 160; ++x) {
                const int pngA = png->at(x, y)[3];
                worst = std::max(worst, std::abs(int(std::lround(a[x] * 255.0 / alphaMax)) - pngA));
                transparent += pngA == 0;
            }
        }
        EXPECT_LE(worst, 1) << "frame " << n << ": the clip's alpha is the PNG's";
        EXPECT_GT(transparent, 0) << "frame " << n << ": --alpha leaves the sky transparent";
        ++frames;
    };
    while (av_read_frame(fmt, pkt) >= 0) {
        if (pkt->stream_index == vi && avcodec_send_packet(dec, pkt) == 0)
            while (avcodec_receive_frame(dec, frame) == 0) check();
        av_packet_unref(pkt);
    }
    avcodec_send_packet(dec, nullptr);
    while (avcodec_receive_frame(dec, frame) == 0) check();
    EXPECT_EQ(frames, 6);
    av_frame_free(&frame);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
}

TEST(Record, AlphaMakesTheSkyTransparentWithACleanHorizon) {
    const fs::path d = tempDir() / "alpha";
    const CliRun r =
        run("record --size 320x180 --no-labels --camera 31.0,66.2,15000,120,-5 --frames 0-0 --alpha "
            "--out '" +
            d.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto png = fl::output::readPng((d / fl::record::sequencePath("", 0, "png")).string());
    ASSERT_TRUE(png) << png.error().message;
    // Columns right of the legend: sky 0, terrain 255, and at most one pixel between them at the horizon,
    // found going up from the terrain (the furniture's panels above are translucent by design).
    int sky = 0, ground = 0;
    for (int x = 140; x < 320; ++x) {
        for (int y = 0; y < 150; ++y) {  // above the attribution line
            const int a = png->at(x, y)[3];
            sky += a == 0;
            ground += a == 255;
        }
        int y = 149;
        while (y >= 0 && png->at(x, y)[3] == 255) --y;
        int partial = 0;
        for (; y >= 0 && png->at(x, y)[3] != 0; --y) ++partial;
        EXPECT_LE(partial, 1) << "column " << x;
    }
    EXPECT_GT(sky, 180 * 20) << "the top of the frame is sky";
    EXPECT_GT(ground, 180 * 20) << "the bottom is terrain";
}

TEST(Record, GraphicsLayerHoldsTheStoryAloneWithAlpha) {
    const fs::path d = tempDir() / "graphics";
    // The last frame: the contested district, the arrow and the labels over the crossing; ground outside them.
    const CliRun r = run("record --size 320x180 --frames 499-499 --layers graphics --out '" + d.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    auto png = fl::output::readPng((d / fl::record::sequencePath("", 499, "png")).string());
    ASSERT_TRUE(png) << png.error().message;
    int clear = 0, solid = 0, partial = 0;
    for (size_t i = 3; i < png->pixels.size(); i += 4) {
        clear += png->pixels[i] == 0;
        solid += png->pixels[i] == 255;
        partial += png->pixels[i] > 0 && png->pixels[i] < 255;
    }
    const int total = 320 * 180;
    EXPECT_GT(clear, total / 10) << "ground without graphics is transparent";
    EXPECT_GT(solid, total / 200) << "the labels are opaque";  // 0.67 % measured
    EXPECT_GT(partial, total / 10) << "the striped district lets the picture below through";
}

TEST(Record, MotionBlurAveragesSubFramesAcrossTheShutter) {
    const fs::path d = tempDir() / "blur";
    // Frame 100: the fly-in, moving fast. A closed shutter puts every sub-frame at the frame's instant.
    const std::string shot = std::string(kSmall) + "--frames 100-100 ";
    for (const auto& [name, opts] : {std::pair{"sharp", ""}, std::pair{"closed", "--samples 3 --shutter 0 "},
                                     std::pair{"open", "--samples 4 --shutter 360 "}}) {
        const CliRun r = run("record" + shot + opts + "--out '" + (d / name).string() + "'");
        ASSERT_EQ(r.exitCode, 0) << name << ": " << r.err;
    }
    auto load = [&](const char* name) {
        auto png = fl::output::readPng((d / name / fl::record::sequencePath("", 100, "png")).string());
        EXPECT_TRUE(png) << name;
        return png ? *png : fl::output::ImageRgba8{};
    };
    const auto sharp = load("sharp"), closed = load("closed"), open = load("open");
    EXPECT_LE(fl::output::compareImages(sharp, closed, 1).maxDiff, 1) << "sub-frames at one instant average to it";
    // 40 ms of the fly-in at 160x90: ~0.5-1.5 % of pixels change by more than 2 levels (measured), none at all
    // closed.
    EXPECT_GT(fl::output::compareImages(sharp, open, 2).fractionOver, 0.002) << "a 360-degree shutter smears the move";
}

TEST(Record, BadInputIsOneLineAndExit2) {
    const std::string out = " --out '" + (tempDir() / "bad").string() + "'";
    expectOneLineError(run("record --format avi" + out), 2, "--format: unknown format 'avi'");
    expectOneLineError(run("record --fps 31" + out), 2, "unknown frame rate '31'");
    expectOneLineError(run("record --frames 9-3" + out), 2, "inverted range");
    expectOneLineError(run("record --frames ''" + out), 2, "--frames");
    expectOneLineError(run("record --frames 0-99999" + out), 2, "past the shot's last frame, 499");
    expectOneLineError(run("record --start-timecode '00:01:00;00' --fps 29.97" + out), 2, "drop-frame skips");
    expectOneLineError(run("record --format prores" + out), 2, "*.mov");
    expectOneLineError(run("record --resume --format prores --out x.mov"), 2, "--resume");
    expectOneLineError(run("record --out /proc/frontline-cannot-write"), 2, "/proc/frontline-cannot-write");
    expectOneLineError(run("record --size 99999x10" + out), 2, "--size");
    expectOneLineError(run("record --samples 0" + out), 2, "--samples");
    expectOneLineError(run("record --layers terrain" + out), 2, "--layers");
    // A story without a camera track needs a view.
    const fs::path story = tempDir() / "no-camera.json";
    std::string text = slurp(FRONTLINE_ASSET_DIR "/stories/spin-boldak-2021.json");
    text = text.substr(0, text.find(",\n  \"camera\"")) + "\n}\n";
    std::ofstream(story) << text;
    expectOneLineError(run("record --story '" + story.string() + "'" + out), 2, "no camera track");
}

TEST(Record, JobScriptsSplitTheShotIntoChunks) {
    const fs::path d = tempDir() / "farm";
    CliRun r = run("record --size 320x180 --job slurm --chunk 200 --out '" + d.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string slurm = slurp(d / "frontline-record.slurm.sh");
    EXPECT_NE(slurm.find("#SBATCH --array=0-2"), std::string::npos) << slurm;  // 500 frames in 3 chunks
    EXPECT_NE(slurm.find("--frames \"$A-$B\" --resume"), std::string::npos) << slurm;
    EXPECT_NE(slurm.find("'--size' '320x180'"), std::string::npos) << slurm;
    EXPECT_EQ(slurm.find("'--job'"), std::string::npos) << slurm;
    r = run("record --job openjd --chunk 200 --out '" + d.string() + "'");
    ASSERT_EQ(r.exitCode, 0) << r.err;
    const std::string jd = slurp(d / "frontline-record.openjd.yaml");
    EXPECT_NE(jd.find("range: ['0-199', '200-399', '400-499']"), std::string::npos) << jd;
    EXPECT_NE(jd.find("{{Task.Param.Frames}}"), std::string::npos) << jd;
    expectOneLineError(run("record --job slurm --format prores --out '" + (d / "x.mov").string() + "'"), 2,
                       "cannot be split");
}
