// editor/cursor_probe.h — what the mouse is over, without stalling the GPU.
// Owns: one depth probe per frame slot: the frame copies the cursor's depth texel out after its pass, and
// the pick is made when the slot comes round again (its fence has signalled), so reading it never waits.
#pragma once

#include <optional>
#include <vector>

#include "core/camera.h"
#include "core/result.h"
#include "gpu/resources.h"
#include "render/picking.h"

namespace fl::gpu {
class Context;
}
namespace fl::scene {
struct Scene;
}
namespace fl::render {
class SceneRenderer;
}

namespace fl::app {

class CursorProbes {
public:
    CursorProbes(gpu::Context& ctx, uint32_t slots);
    // At the start of slot `slot` (its previous frame complete): the pick of that frame's cursor, if any.
    void collect(uint32_t slot, const scene::Scene& scene, const render::SceneRenderer& renderer);
    // After the pass of slot `slot`: copies `texel`'s depth of `depth` (left in TRANSFER_SRC; the next pass
    // starts from UNDEFINED and its external dependency waits for the copy).
    void record(VkCommandBuffer cmd, uint32_t slot, VkImage depth, glm::ivec2 texel, const ViewState& view,
                double exaggeration);
    // What the cursor was over in the last frame that has finished (frames in flight make it 1-2 old).
    const std::optional<Result<render::PickResult>>& cursor() const { return m_cursor; }
    void clear() { m_cursor.reset(); }

private:
    struct Probe {
        gpu::Buffer depth;  // one float, host-visible
        bool pending = false;
        glm::ivec2 texel{0};
        ViewState view;
        double exaggeration = 1;
    };
    std::vector<Probe> m_probes;
    std::optional<Result<render::PickResult>> m_cursor;
};

}  // namespace fl::app
