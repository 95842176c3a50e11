// The interactive window: GLFW + Vulkan swapchain + the scene renderer + a Dear ImGui panel.
// The editor (layers, timeline, inspector) grows from here.
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <vector>

#include "commands.h"
#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/frames.h"
#include "gpu/swapchain.h"
#include "orbit_controller.h"
#include "render/picking.h"
#include "render/render_pass.h"
#include "render/scene_renderer.h"
#include "session.h"
#include "compose/compose.h"
#include "document/commands.h"
#include "story/story.h"
#include "story_watch.h"
#include "terrain/terrain_mesh.h"
#include "terrain/tile_streamer.h"

namespace fl::app {

namespace {

struct InputState {
    double lastX = 0, lastY = 0;
    bool leftDown = false, rightDown = false;
    double wheel = 0;
    bool resized = false;
    bool quit = false;  // Esc, from the key callback: a tap is never lost however long a frame takes
};

void checkImGuiVk(VkResult r) {
    if (r < 0) gpu::throwVulkanError(r, "ImGui Vulkan backend", __FILE__, __LINE__);
}

// Swapchain-sized attachments: one depth image shared by all framebuffers (one frame renders at a time
// into it; the render pass orders the writes). TRANSFER_SRC: the cursor's depth texel is copied out.
struct WindowTargets {
    gpu::Image depth;
    std::vector<gpu::Framebuffer> framebuffers;

    void build(gpu::Context& ctx, const gpu::Swapchain& sc, VkRenderPass pass) {
        framebuffers.clear();
        depth = gpu::Image(ctx, {sc.extent().width, sc.extent().height, render::kDepthFormat,
                                 VK_IMAGE_USAGE_DEPTH_STENCIL_ATTACHMENT_BIT | VK_IMAGE_USAGE_TRANSFER_SRC_BIT,
                                 VK_IMAGE_ASPECT_DEPTH_BIT});
        for (uint32_t i = 0; i < sc.imageCount(); ++i) {
            framebuffers.push_back(render::createSceneFramebuffer(ctx, pass, sc.view(i), depth.view(),
                                                                  sc.extent().width, sc.extent().height));
        }
    }
};

// The depth under the cursor, one per frame slot: the frame copies one texel into `depth`, and the pick is
// made when the slot comes round again (its fence has signalled), so reading it never stalls the GPU.
struct CursorProbe {
    gpu::Buffer depth;  // one float, host-visible
    bool pending = false;
    glm::ivec2 texel{0};
    ViewState view;
    double exaggeration = 1;
};

// Records the copy of `texel`'s depth into `probe.depth`, after the render pass has written it. The depth
// is left in TRANSFER_SRC: the next pass starts from UNDEFINED and its external dependency waits for the copy.
void recordCursorCopy(VkCommandBuffer cmd, VkImage depth, const CursorProbe& probe) {
    VkImageMemoryBarrier toCopy{VK_STRUCTURE_TYPE_IMAGE_MEMORY_BARRIER};
    toCopy.srcAccessMask = VK_ACCESS_DEPTH_STENCIL_ATTACHMENT_WRITE_BIT;
    toCopy.dstAccessMask = VK_ACCESS_TRANSFER_READ_BIT;
    toCopy.oldLayout = VK_IMAGE_LAYOUT_DEPTH_STENCIL_ATTACHMENT_OPTIMAL;
    toCopy.newLayout = VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL;
    toCopy.srcQueueFamilyIndex = toCopy.dstQueueFamilyIndex = VK_QUEUE_FAMILY_IGNORED;
    toCopy.image = depth;
    toCopy.subresourceRange = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 1, 0, 1};
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_LATE_FRAGMENT_TESTS_BIT, VK_PIPELINE_STAGE_TRANSFER_BIT, 0, 0, nullptr,
                         0, nullptr, 1, &toCopy);
    VkBufferImageCopy region{};
    region.imageSubresource = {VK_IMAGE_ASPECT_DEPTH_BIT, 0, 0, 1};
    region.imageOffset = {probe.texel.x, probe.texel.y, 0};
    region.imageExtent = {1, 1, 1};
    vkCmdCopyImageToBuffer(cmd, depth, VK_IMAGE_LAYOUT_TRANSFER_SRC_OPTIMAL, probe.depth.handle(), 1, &region);
    VkMemoryBarrier toHost{VK_STRUCTURE_TYPE_MEMORY_BARRIER};
    toHost.srcAccessMask = VK_ACCESS_TRANSFER_WRITE_BIT;
    toHost.dstAccessMask = VK_ACCESS_HOST_READ_BIT;
    vkCmdPipelineBarrier(cmd, VK_PIPELINE_STAGE_TRANSFER_BIT, VK_PIPELINE_STAGE_HOST_BIT, 0, 1, &toHost, 0, nullptr, 0,
                         nullptr);
}

// A one-line error across the top of the window, over the picture, until a good save replaces it.
void drawBanner(const std::string& text) {
    const ImGuiViewport* vp = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(ImVec2(vp->Pos.x, vp->Pos.y));
    ImGui::SetNextWindowSize(ImVec2(vp->Size.x, 0));
    ImGui::PushStyleColor(ImGuiCol_WindowBg, ImVec4(0.70f, 0.08f, 0.08f, 0.95f));
    ImGui::Begin("##banner", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav);
    ImGui::TextUnformatted(text.c_str());
    ImGui::End();
    ImGui::PopStyleColor();
}

}  // namespace

int runWindow(const Command& cmd) {
    auto loaded = loadStoryScene(cmd.common);
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    const scene::Scene scene = std::move(loaded->scene);
    std::optional<document::Document> doc = std::move(loaded->document);
    // `--story FILE` is watched: an outside save shows within a second; a broken one keeps the last good story.
    std::optional<StoryWatch> watch;
    if (doc) watch.emplace(cmd.common.storyPath);
    std::string banner;  // one line naming the file and the problem of the last save that did not parse
    compose::Composer composer;

    if (!glfwInit()) {
        printError("cannot open a window: no display (set DISPLAY, run under xvfb-run, or use `frontline render`)");
        return kExitError;
    }
    struct GlfwGuard {
        ~GlfwGuard() { glfwTerminate(); }
    } glfwGuard;
    if (!glfwVulkanSupported()) {
        printError("no Vulkan loader or driver usable by GLFW (install mesa-vulkan-drivers)");
        return kExitError;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    GLFWwindow* window = glfwCreateWindow(cmd.render.size.width, cmd.render.size.height, "Frontline — Kandahar",
                                          nullptr, nullptr);
    if (!window) {
        printError("cannot create a window");
        return kExitError;
    }

    gpu::ContextOptions opts = gpu::ContextOptions::fromEnvironment();
    opts.deviceIndex = cmd.common.deviceIndex;
    uint32_t extCount = 0;
    const char** exts = glfwGetRequiredInstanceExtensions(&extCount);
    for (uint32_t i = 0; i < extCount; ++i) opts.instanceExtensions.emplace_back(exts[i]);
    opts.createSurface = [window](VkInstance instance) {
        VkSurfaceKHR surface = VK_NULL_HANDLE;
        return glfwCreateWindowSurface(instance, window, nullptr, &surface) == VK_SUCCESS ? surface : VK_NULL_HANDLE;
    };
    auto ctxResult = gpu::Context::create(opts);
    if (!ctxResult) {
        glfwDestroyWindow(window);
        printError(ctxResult.error().message);
        return kExitError;
    }
    gpu::Context& ctx = **ctxResult;
    std::fprintf(stderr, "frontline: device: %s\n", ctx.info().describe().c_str());

    gpu::Swapchain swapchain(ctx);
    int fbw = 0, fbh = 0;
    glfwGetFramebufferSize(window, &fbw, &fbh);
    swapchain.recreate(static_cast<uint32_t>(fbw), static_cast<uint32_t>(fbh));
    gpu::RenderPass pass = render::createScenePass(ctx, swapchain.format(), VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);
    WindowTargets targets;
    targets.build(ctx, swapchain, pass);

    auto frames = std::make_unique<gpu::FrameRing>(ctx, 2);
    auto rendererResult = render::SceneRenderer::create(ctx, scene, pass, frames->slotCount());
    if (!rendererResult) {
        printError(rendererResult.error().message);
        return kExitError;
    }
    auto renderer = std::move(rendererResult).value();
    // The terrain's error target: 1 px (the renderer's default, what renders and recordings use) on a GPU.
    // A software device draws ~2.6 M triangles of a 720p view at ~1.4 s a frame, so the window previews at
    // 4 px there (~10x fewer triangles) and says so; the slider sets it either way.
    if (render::TerrainRenderer* t = renderer->terrain(); t && ctx.info().type == "CPU") t->lod().maxPixelError = 4.0;
    std::vector<CursorProbe> probes(frames->slotCount());
    for (CursorProbe& p : probes)
        p.depth = gpu::Buffer(ctx, sizeof(float), VK_BUFFER_USAGE_TRANSFER_DST_BIT, gpu::MemoryUsage::Readback);
    // What the cursor was over in the last frame that has finished (frames in flight make it 1-2 old).
    std::optional<Result<render::PickResult>> cursor;

    // Dear ImGui 1.86: its Vulkan backend draws inside our render pass (subpass 0).
    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr;  // no imgui.ini litter in the working directory
    ImGui::StyleColorsDark();
    ImGui_ImplGlfw_InitForVulkan(window, true);
    VkDescriptorPoolSize poolSize{VK_DESCRIPTOR_TYPE_COMBINED_IMAGE_SAMPLER, 16};
    VkDescriptorPoolCreateInfo dpci{VK_STRUCTURE_TYPE_DESCRIPTOR_POOL_CREATE_INFO};
    dpci.flags = VK_DESCRIPTOR_POOL_CREATE_FREE_DESCRIPTOR_SET_BIT;
    dpci.maxSets = 16;
    dpci.poolSizeCount = 1;
    dpci.pPoolSizes = &poolSize;
    VkDescriptorPool imguiPoolHandle;
    VK_CHECK(vkCreateDescriptorPool(ctx.device(), &dpci, nullptr, &imguiPoolHandle));
    gpu::DescriptorPool imguiPool(ctx.device(), imguiPoolHandle);
    ImGui_ImplVulkan_InitInfo info{};
    info.Instance = ctx.instance();
    info.PhysicalDevice = ctx.physicalDevice();
    info.Device = ctx.device();
    info.QueueFamily = ctx.queueFamily();
    info.Queue = ctx.queue();
    info.DescriptorPool = imguiPool;
    info.Subpass = 0;
    info.MinImageCount = 2;
    info.ImageCount = swapchain.imageCount();
    info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
    info.CheckVkResultFn = checkImGuiVk;
    ImGui_ImplVulkan_Init(&info, pass);
    ctx.submitAndWait([](VkCommandBuffer c) { ImGui_ImplVulkan_CreateFontsTexture(c); });
    ImGui_ImplVulkan_DestroyFontUploadObjects();

    // Mouse input goes to the camera unless ImGui wants it.
    InputState input;
    glfwSetWindowUserPointer(window, &input);
    glfwSetScrollCallback(window, [](GLFWwindow* w, double, double dy) {
        ImGui_ImplGlfw_ScrollCallback(w, 0, dy);
        if (!ImGui::GetIO().WantCaptureMouse) static_cast<InputState*>(glfwGetWindowUserPointer(w))->wheel += dy;
    });
    glfwSetKeyCallback(window, [](GLFWwindow* w, int key, int scancode, int action, int mods) {
        ImGui_ImplGlfw_KeyCallback(w, key, scancode, action, mods);
        if (key == GLFW_KEY_ESCAPE && action == GLFW_PRESS)
            static_cast<InputState*>(glfwGetWindowUserPointer(w))->quit = true;
    });
    glfwSetFramebufferSizeCallback(
        window, [](GLFWwindow* w, int, int) { static_cast<InputState*>(glfwGetWindowUserPointer(w))->resized = true; });

    render::RenderSettings settings = frameSettings(cmd.common, doc ? &*doc : nullptr);
    settings.labelContinuity = true;  // a moving camera: label hysteresis and fades carry over between frames
    // The story plays on its own clock: presentation seconds (advanced by the wall clock only while playing)
    // map to story time through the story's clock, so pausing or scrubbing never touches the wall clock.
    double presentation = 0;
    bool playing = false;
    if (doc) {
        const story::StoryTime t0 =
            std::isnan(cmd.common.storyTime) ? story::lastKeyframe(doc->story()) : cmd.common.storyTime;
        presentation = story::presentationSecondsAt(doc->story().clock, t0);
    }
    const scene::CameraSpec start = cmd.render.camera ? *cmd.render.camera : *scene::findView("kandahar-overview");
    OrbitController orbit(scene);
    orbit.setPose(scene::toPose(start, scene.geoidModel()), settings.exaggeration);

    double storyTime = cmd.common.storyTime;  // the playhead: NaN = the last keyframe until the clock moves
    auto lastFrame = std::chrono::steady_clock::now();
    double frameMs = 0;
    int frameCount = 0;
    while (!glfwWindowShouldClose(window)) {
        glfwPollEvents();
        if (input.quit) break;
        if (watch)
            if (auto reloaded = watch->poll()) {
                if (*reloaded) {
                    // One undoable step; the look follows the file, with the command line's options on top.
                    doc->beginGroup("Reload " + watch->path());
                    (void)doc->apply(document::replaceStory((*reloaded)->story()));
                    (void)doc->apply(document::setLook((*reloaded)->look()));
                    doc->endGroup();
                    doc->markSaved();  // it is what the file holds
                    static_cast<Look&>(settings) = lookFor(cmd.common, &doc->look());
                    banner.clear();
                    std::fprintf(stderr, "frontline: reloaded %s\n", watch->path().c_str());
                } else {
                    banner = reloaded->error().message;
                    std::fprintf(stderr, "frontline: warning: %s (the last good story stays on screen)\n",
                                 banner.c_str());
                }
            }
        glfwGetFramebufferSize(window, &fbw, &fbh);
        if (fbw == 0 || fbh == 0) {  // minimised
            glfwWaitEvents();
            continue;
        }
        if (input.resized || swapchain.extent().width != uint32_t(fbw) || swapchain.extent().height != uint32_t(fbh)) {
            ctx.waitIdle();
            swapchain.recreate(uint32_t(fbw), uint32_t(fbh));
            targets.build(ctx, swapchain, pass);
            input.resized = false;
        }

        // Camera input.
        double mx, my;
        glfwGetCursorPos(window, &mx, &my);
        const bool uiMouse = ImGui::GetIO().WantCaptureMouse;
        const bool left = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
        const bool right = glfwGetMouseButton(window, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
        if (left && input.leftDown && !uiMouse) orbit.orbit(mx - input.lastX, my - input.lastY);
        if (right && input.rightDown && !uiMouse) orbit.pan(mx - input.lastX, my - input.lastY, fbh);
        input.leftDown = left && !uiMouse;
        input.rightDown = right && !uiMouse;
        input.lastX = mx;
        input.lastY = my;
        if (input.wheel != 0) {
            orbit.zoom(input.wheel);
            input.wheel = 0;
        }

        const CameraPose pose = orbit.pose();
        const VkExtent2D extent = swapchain.extent();
        const ViewState view = computeView(scene.frame, pose, extent.width, extent.height);

        // This slot's previous frame is complete once begin() returns: its cursor depth can be read.
        gpu::FrameSlot& slot = frames->begin();
        if (CursorProbe& probe = probes[frames->slotIndex()]; probe.pending) {
            probe.pending = false;
            float depth = 0;
            std::memcpy(&depth, probe.depth.mapped(), sizeof depth);
            cursor = render::pickFromDepth(scene, probe.view, probe.exaggeration, probe.texel, depth);
            // The data height from the tiles already streamed: the frame loop never waits on a fetch.
            if (render::PickResult* p = *cursor ? &cursor->value() : nullptr) {
                if (const terrain::TileStreamer* streamer = renderer->streamer()) {
                    if (auto h = streamer->sampleHeight(p->lat, p->lon)) {
                        p->heightMsl = h->heightMsl;
                        p->heightTile = h->tile;
                    }
                } else {
                    p->heightMsl = terrain::meshHeight(scene.dem, p->lat, p->lon);
                }
            }
        }
        // The cursor in framebuffer pixels (window coordinates differ on high-DPI screens).
        int winW, winH;
        glfwGetWindowSize(window, &winW, &winH);
        const double scaleX = winW > 0 ? double(extent.width) / winW : 1.0;
        const double scaleY = winH > 0 ? double(extent.height) / winH : 1.0;
        const auto cursorTexel = render::pixelTexel(mx * scaleX, my * scaleY, int(extent.width), int(extent.height));
        if (!cursorTexel) cursor.reset();  // outside the window: show nothing rather than a stale point

        ImGui_ImplVulkan_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
        ImGui::SetNextWindowPos(ImVec2(12, 12), ImGuiCond_FirstUseEver);
        ImGui::SetNextWindowSize(ImVec2(360, 0), ImGuiCond_FirstUseEver);
        ImGui::Begin("Frontline");
        ImGui::Text("Device: %s", ctx.info().name.c_str());
        ImGui::Text("Frame: %.1f ms  (%u patches, 1 draw, %.2f M triangles)", frameMs, renderer->stats().patches,
                    renderer->stats().triangles / 1e6);
        const double geoidN = scene.undulation(pose.lat, pose.lon);
        if (auto* streamer = renderer->streamer()) {
            const auto st = streamer->stats();
            const auto ready = streamer->readiness();
            ImGui::Text("Tiles: %u drawn, detail %.0f%%", st.draws, ready.progress * 100.0);
            ImGui::Text("Loads: %u in flight, %llu done, %llu failed", st.loadsInFlight, (unsigned long long)st.loaded,
                        (unsigned long long)st.failed);
            ImGui::Text("Caches: CPU %.0f/%.0f MiB  GPU %.0f/%.0f MiB", st.cpuBytes / 1048576.0,
                        st.cpuBudget / 1048576.0, st.gpuBytes / 1048576.0, st.gpuBudget / 1048576.0);
            const auto& info = streamer->sourceInfo();
            ImGui::TextWrapped("Terrain: %s%s", info.attribution.empty() ? info.name.c_str() : info.attribution.c_str(),
                               info.synthesizedFromZoom && info.attribution.find("synthesized") == std::string::npos
                                   ? "; synthesized detail"
                                   : "");
        }
        ImGui::Text("Camera: %.4f N  %.4f E  %.0f m MSL", pose.lat, pose.lon, pose.altitude - geoidN);
        ImGui::Text("Heading %.1f  Pitch %.1f", pose.heading, pose.pitch);
        if (cursor && *cursor) {
            const render::PickResult& p = cursor->value();
            if (p.heightTile)
                ImGui::Text("Cursor: %.4f N  %.4f E  %.0f m (z%d data)", p.lat, p.lon, p.heightMsl, p.heightTile->z);
            else
                ImGui::Text("Cursor: %.4f N  %.4f E  %.0f m", p.lat, p.lon, p.heightMsl);
        } else {
            ImGui::TextUnformatted(cursor ? "Cursor: (sky)" : "Cursor: -");
        }
        ImGui::Separator();
        float exag = static_cast<float>(settings.exaggeration);
        if (ImGui::SliderFloat("Exaggeration", &exag, 0.5f, 6.0f, "%.1fx")) {
            settings.exaggeration = exag;
            orbit.setExaggeration(exag);
        }
        float az = static_cast<float>(settings.sunAzimuth), el = static_cast<float>(settings.sunElevation);
        if (ImGui::SliderFloat("Sun azimuth", &az, 0.0f, 360.0f, "%.0f deg")) settings.sunAzimuth = az;
        if (ImGui::SliderFloat("Sun elevation", &el, 2.0f, 90.0f, "%.0f deg")) settings.sunElevation = el;
        if (render::TerrainRenderer* t = renderer->terrain()) {
            // Renders and recordings always use 1 px; this is the live view's trade of detail for speed.
            float err = static_cast<float>(t->lod().maxPixelError);
            if (ImGui::SliderFloat("Terrain error", &err, 0.5f, 8.0f, "%.1f px", ImGuiSliderFlags_Logarithmic))
                t->lod().maxPixelError = err;
        }
        ImGui::Checkbox("Place names", &settings.labels);
        ImGui::SameLine();
        ImGui::Checkbox("Border", &settings.borders);
        if (doc) {
            const story::StoryClock& clock = doc->story().clock;
            ImGui::Separator();
            ImGui::TextWrapped("Story: %s", doc->story().title.c_str());
            if (playing) presentation = std::min(presentation + frameMs / 1000.0, clock.seconds);
            if (presentation >= clock.seconds) playing = false;
            float p = float(presentation);
            if (ImGui::SliderFloat("Story clock", &p, 0.0f, float(clock.seconds), "%.1f s")) presentation = p;
            if (ImGui::Button(playing ? "Pause" : "Play")) {
                if (!playing && presentation >= clock.seconds) presentation = 0;
                playing = !playing;
            }
            storyTime = story::storyTimeAt(clock, presentation);
            ImGui::SameLine();
            ImGui::Text("%s", story::formatStoryTime(storyTime).c_str());
            ImGui::Checkbox("Areas, fronts, arrows", &settings.overlays);
            ImGui::SameLine();
            ImGui::Checkbox("Caption and legend", &settings.furniture);
        }
        ImGui::TextDisabled("Left drag: orbit  Right drag: pan  Wheel: zoom  Esc: quit");
        ImGui::End();
        if (!banner.empty()) drawBanner(banner);
        ImGui::Render();

        uint32_t imageIndex = 0;
        while (!swapchain.acquire(slot.imageAcquired, imageIndex)) {
            ctx.waitIdle();
            glfwGetFramebufferSize(window, &fbw, &fbh);
            swapchain.recreate(uint32_t(std::max(fbw, 1)), uint32_t(std::max(fbh, 1)));
            targets.build(ctx, swapchain, pass);
        }
        if (doc)
            if (Status s = renderer->setContent(composer.at(*doc, storyTime, settings)); !s)
                std::fprintf(stderr, "frontline: warning: %s\n", s.error().message.c_str());
        renderer->prepare(frames->slotIndex(), view, settings);
        renderer->recordTransfers(slot.cmd);
        VkClearValue clears[2]{};
        clears[0].color = {{0, 0, 0, 1}};
        clears[1].depthStencil = {0.0f, 0};
        VkRenderPassBeginInfo rbi{VK_STRUCTURE_TYPE_RENDER_PASS_BEGIN_INFO};
        rbi.renderPass = pass;
        rbi.framebuffer = targets.framebuffers[imageIndex];
        rbi.renderArea = {{0, 0}, swapchain.extent()};
        rbi.clearValueCount = 2;
        rbi.pClearValues = clears;
        vkCmdBeginRenderPass(slot.cmd, &rbi, VK_SUBPASS_CONTENTS_INLINE);
        VkViewport vp{0, 0, float(extent.width), float(extent.height), 0, 1};
        VkRect2D scissor{{0, 0}, extent};
        vkCmdSetViewport(slot.cmd, 0, 1, &vp);
        vkCmdSetScissor(slot.cmd, 0, 1, &scissor);
        renderer->draw(slot.cmd, frames->slotIndex());
        ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), slot.cmd);
        vkCmdEndRenderPass(slot.cmd);
        // A swapchain rebuilt during acquire has another size than the view was made for: no pick this frame.
        const VkExtent2D drawn = swapchain.extent();
        if (cursorTexel && drawn.width == extent.width && drawn.height == extent.height) {
            CursorProbe& probe = probes[frames->slotIndex()];
            probe.texel = *cursorTexel;
            probe.view = view;
            probe.exaggeration = settings.exaggeration;
            probe.pending = true;
            recordCursorCopy(slot.cmd, targets.depth.handle(), probe);
        }
        frames->submit(slot.imageAcquired, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, slot.renderDone);
        if (!swapchain.present(slot.renderDone, imageIndex)) input.resized = true;

        const auto now = std::chrono::steady_clock::now();
        frameMs = std::chrono::duration<double, std::milli>(now - lastFrame).count();
        lastFrame = now;
        ++frameCount;
        if (cmd.window.logFrames) {
            const terrain::TileStreamer* streamer = renderer->streamer();
            const auto ready = streamer ? streamer->readiness() : terrain::Readiness{true, 1.0, {}, {}};
            std::fprintf(stderr, "frontline: frame %d detail %.0f%% loads %u\n", frameCount, ready.progress * 100.0,
                         streamer ? streamer->stats().loadsInFlight : 0u);
        }
        if (cmd.window.frames > 0 && frameCount >= cmd.window.frames) break;
    }

    ctx.waitIdle();
    ImGui_ImplVulkan_Shutdown();
    ImGui_ImplGlfw_Shutdown();
    ImGui::DestroyContext();
    frames.reset();
    renderer.reset();
    glfwDestroyWindow(window);
    if (ctx.validationErrors()) {
        printError(std::to_string(ctx.validationErrors()) + " Vulkan validation error(s) (see messages above)");
        return kExitError;
    }
    return kExitOk;
}

}  // namespace fl::app
