// The per-frame formats: PNG (8 and 16 bits, straight alpha) and OpenEXR (half RGBA, premultiplied, ZIP).
#include <ImfHeader.h>
#include <ImfIO.h>
#include <ImfRgbaFile.h>
#include <ImfStandardAttributes.h>
#include <ImfTimeCode.h>

#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <span>
#include <vector>

#include "core/atomic_file.h"
#include "record/frame_writer.h"

namespace fl::record {

Result<std::unique_ptr<FrameWriter>> openProResWriter(const WriterOptions& options);  // prores_writer.cpp

namespace {

// OpenEXR writes to a stream: into memory, so the file is then written whole and renamed like every output.
class MemoryStream final : public Imf::OStream {
public:
    MemoryStream() : Imf::OStream("memory") {}
    void write(const char c[], int n) override {
        if (m_pos + n > m_bytes.size()) m_bytes.resize(m_pos + n);
        std::memcpy(m_bytes.data() + m_pos, c, size_t(n));
        m_pos += size_t(n);
    }
    uint64_t tellp() override { return m_pos; }
    void seekp(uint64_t pos) override { m_pos = size_t(pos); }
    const std::vector<uint8_t>& bytes() const { return m_bytes; }

private:
    std::vector<uint8_t> m_bytes;
    size_t m_pos = 0;
};

Status writeExr(const std::string& path, const output::ImageRgbaF& image, const WriterOptions& o, int64_t frame) {
    Imf::Header header(image.width, image.height);
    header.compression() = Imf::ZIP_COMPRESSION;
    int h = 0, m = 0, s = 0, f = 0;
    const std::string tc = timecode::format(o.startTimecodeFrame + frame, o.rate);
    std::sscanf(tc.c_str(), "%d:%d:%d%*c%d", &h, &m, &s, &f);
    Imf::addTimeCode(header, Imf::TimeCode(h, m, s, f, o.rate.dropFrame()));
    Imf::addFramesPerSecond(header, Imf::Rational(int(o.rate.num), unsigned(o.rate.den)));
    // OpenEXR's RGBA is linear light with premultiplied alpha (its definition, stated in the README).
    std::vector<Imf::Rgba> pixels(size_t(image.width) * image.height);
    for (size_t i = 0; i < pixels.size(); ++i) {
        const float* p = &image.pixels[i * 4];
        const float a = std::clamp(p[3], 0.0f, 1.0f);
        pixels[i] = Imf::Rgba(srgbToLinear(p[0]) * a, srgbToLinear(p[1]) * a, srgbToLinear(p[2]) * a, a);
    }
    MemoryStream stream;
    try {
        Imf::RgbaOutputFile file(stream, header, Imf::WRITE_RGBA);
        file.setFrameBuffer(pixels.data(), 1, size_t(image.width));
        file.writePixels(image.height);
    } catch (const std::exception& e) {
        return Error::inFile(path, std::string("cannot encode the EXR: ") + e.what());
    }
    return writeFileAtomically(path, std::span<const uint8_t>(stream.bytes()));
}

class SequenceWriter final : public FrameWriter {
public:
    explicit SequenceWriter(WriterOptions o) : m_o(std::move(o)) {}
    std::string pathOf(int64_t frame) const override {
        return sequencePath(m_o.out, frame, m_o.format == Format::Exr ? "exr" : "png");
    }
    bool complete(int64_t frame) const override {
        std::error_code ec;
        return std::filesystem::is_regular_file(pathOf(frame), ec);  // a name exists only after its rename
    }
    Status write(int64_t frame, const output::ImageRgbaF& image) override {
        const std::string path = pathOf(frame);
        switch (m_o.format) {
            case Format::Png:
                return output::writePng(path, output::quantize(image));
            case Format::Png16:
                return output::writePng16(path, image);
            case Format::Exr:
                return writeExr(path, image, m_o, frame);
            case Format::ProRes:
                break;
        }
        return Error{"not a sequence format"};
    }
    Status finish() override { return Ok{}; }

private:
    WriterOptions m_o;
};

// The folder a path's files go to exists (made if needed) and takes a file: checked before any frame is drawn.
Status checkWritableFolder(const std::filesystem::path& folder) {
    std::error_code ec;
    const std::filesystem::path dir = folder.empty() ? "." : folder;
    std::filesystem::create_directories(dir, ec);
    if (ec) return Error::inFile(dir.string(), "cannot create the output folder: " + ec.message());
    const std::filesystem::path probe = dir / (".frontline-write-test-" + std::to_string(::getpid()));
    FILE* f = std::fopen(probe.c_str(), "wb");
    if (!f)
        return Error::inFile(dir.string(), std::string("cannot write into the output folder: ") + std::strerror(errno));
    std::fclose(f);
    std::filesystem::remove(probe, ec);
    return Ok{};
}

}  // namespace

Result<std::unique_ptr<FrameWriter>> openFrameWriter(const WriterOptions& o) {
    if (o.out.empty()) return Error{"--out: needs a path"};
    const std::filesystem::path first = isSequence(o.format) ? sequencePath(o.out, o.firstFrame, "x") : o.out;
    if (Status s = checkWritableFolder(first.parent_path()); !s) return s.error();
    if (!isSequence(o.format)) return openProResWriter(o);
    return std::unique_ptr<FrameWriter>(new SequenceWriter(o));
}

}  // namespace fl::record
