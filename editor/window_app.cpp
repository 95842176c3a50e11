// The interactive window: a thin shell of GLFW, Dear ImGui and input around the engine's frame pieces.
// The document, playhead, camera controller, panel, cursor probe and live reload live in their own files;
// here they are wired to a swapchain, and each frame is recorded the way every host records one
// (render/frame_target.h: recordFrame).
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_vulkan.h>

#include <chrono>
#include <cstdio>
#include <optional>

#include "commands.h"
#include "compose/compose.h"
#include "compose/playhead.h"
#include "compose/timeline.h"
#include "cursor_probe.h"
#include "document/commands.h"
#include "gpu/check.h"
#include "gpu/context.h"
#include "gpu/frames.h"
#include "gpu/swapchain.h"
#include "orbit_controller.h"
#include "render/frame_target.h"
#include "render/render_pass.h"
#include "render/scene_renderer.h"
#include "session.h"
#include "story_watch.h"
#include "window_panel.h"

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

// GLFW, initialised and terminated with the shell.
struct Glfw {
    bool ok = glfwInit();
    ~Glfw() {
        if (ok) glfwTerminate();
    }
};

Result<GLFWwindow*> openWindow(ImageSize size) {
    if (!glfwVulkanSupported()) return Error{"no Vulkan loader or driver usable by GLFW (install mesa-vulkan-drivers)"};
    glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
    GLFWwindow* window = glfwCreateWindow(size.width, size.height, "Frontline — Kandahar", nullptr, nullptr);
    if (!window) return Error{"cannot create a window"};
    return window;
}

Result<std::unique_ptr<gpu::Context>> createContext(GLFWwindow* window, int deviceIndex) {
    gpu::ContextOptions opts = gpu::ContextOptions::fromEnvironment();
    opts.deviceIndex = deviceIndex;
    uint32_t extCount = 0;
    const char** exts = glfwGetRequiredInstanceExtensions(&extCount);
    for (uint32_t i = 0; i < extCount; ++i) opts.instanceExtensions.emplace_back(exts[i]);
    opts.createSurface = [window](VkInstance instance) {
        VkSurfaceKHR surface = VK_NULL_HANDLE;
        return glfwCreateWindowSurface(instance, window, nullptr, &surface) == VK_SUCCESS ? surface : VK_NULL_HANDLE;
    };
    return gpu::Context::create(opts);
}

// Dear ImGui 1.86 on GLFW and Vulkan: its backend draws inside the scene pass (subpass 0).
class ImGuiLayer {
public:
    ImGuiLayer(gpu::Context& ctx, GLFWwindow* window, const gpu::Swapchain& swapchain, VkRenderPass pass) {
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
        VkDescriptorPool pool;
        VK_CHECK(vkCreateDescriptorPool(ctx.device(), &dpci, nullptr, &pool));
        m_pool = gpu::DescriptorPool(ctx.device(), pool);
        ImGui_ImplVulkan_InitInfo info{};
        info.Instance = ctx.instance();
        info.PhysicalDevice = ctx.physicalDevice();
        info.Device = ctx.device();
        info.QueueFamily = ctx.queueFamily();
        info.Queue = ctx.queue();
        info.DescriptorPool = pool;
        info.Subpass = 0;
        info.MinImageCount = 2;
        info.ImageCount = swapchain.imageCount();
        info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
        info.CheckVkResultFn = checkImGuiVk;
        ImGui_ImplVulkan_Init(&info, pass);
        ctx.submitAndWait([](VkCommandBuffer c) { ImGui_ImplVulkan_CreateFontsTexture(c); });
        ImGui_ImplVulkan_DestroyFontUploadObjects();
    }
    ~ImGuiLayer() {
        ImGui_ImplVulkan_Shutdown();
        ImGui_ImplGlfw_Shutdown();
        ImGui::DestroyContext();
    }
    void newFrame() {
        ImGui_ImplVulkan_NewFrame();
        ImGui_ImplGlfw_NewFrame();
        ImGui::NewFrame();
    }

private:
    gpu::DescriptorPool m_pool;
};

void installCallbacks(GLFWwindow* window, InputState& input) {
    // Mouse input goes to the camera unless ImGui wants it.
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
}

// Everything one window session holds, and its frame.
class WindowApp {
public:
    WindowApp(const Command& cmd, StoryScene loaded, GLFWwindow* window, gpu::Context& ctx)
        : m_cmd(cmd),
          m_scene(std::move(loaded.scene)),
          m_doc(std::move(loaded.document)),
          m_window(window),
          m_ctx(ctx),
          m_swapchain(ctx),
          m_orbit(m_scene) {}

    Status init();
    int run();

private:
    void reloadIfChanged();
    void handleMouse(double mx, double my, int fbHeight);
    bool recreateSwapchainIfResized();
    void drawUi(const CameraPose& pose);
    CameraPose cameraPose();
    void renderFrame(const ViewState& view, std::optional<glm::ivec2> cursorTexel);
    void logFrame();

    const Command& m_cmd;
    scene::Scene m_scene;
    std::optional<document::Document> m_doc;
    std::optional<StoryWatch> m_watch;  // `--story FILE`, watched for outside saves
    std::string m_banner;               // the last save that did not parse: file and problem, one line
    compose::Composer m_composer;
    compose::Playhead m_playhead;
    bool m_followTrack = false;  // the story's camera track drives the view (the panel's switch, --follow-track)
    bool m_safeAreas = false;
    render::RenderSettings m_settings;
    GLFWwindow* m_window;
    gpu::Context& m_ctx;
    gpu::Swapchain m_swapchain;
    gpu::RenderPass m_pass;
    render::SwapchainTargets m_targets;
    std::unique_ptr<gpu::FrameRing> m_frames;
    std::unique_ptr<render::SceneRenderer> m_renderer;
    std::unique_ptr<CursorProbes> m_probes;
    std::unique_ptr<ImGuiLayer> m_imgui;
    OrbitController m_orbit;
    InputState m_input;
    double m_frameMs = 0;
    int m_frameCount = 0;
};

Status WindowApp::init() {
    int fbw = 0, fbh = 0;
    glfwGetFramebufferSize(m_window, &fbw, &fbh);
    m_swapchain.recreate(static_cast<uint32_t>(fbw), static_cast<uint32_t>(fbh));
    m_pass = render::createScenePass(m_ctx, m_swapchain.format(), VK_IMAGE_LAYOUT_PRESENT_SRC_KHR);
    m_targets.build(m_ctx, m_swapchain, m_pass);
    m_frames = std::make_unique<gpu::FrameRing>(m_ctx, 2);
    auto renderer = render::SceneRenderer::create(m_ctx, m_scene, m_pass, m_frames->slotCount());
    if (!renderer) return renderer.error();
    m_renderer = std::move(renderer).value();
    m_probes = std::make_unique<CursorProbes>(m_ctx, m_frames->slotCount());
    m_imgui = std::make_unique<ImGuiLayer>(m_ctx, m_window, m_swapchain, m_pass);
    installCallbacks(m_window, m_input);

    m_settings = frameSettings(m_cmd.common, m_doc ? &*m_doc : nullptr);
    m_settings.labelContinuity = true;  // a moving camera: label hysteresis and fades carry over between frames
    // The terrain's error target: 1 px (what renders and recordings use) on a GPU. A software device draws
    // ~2.6 M triangles of a 720p view at ~1.4 s a frame, so the window previews at 4 px there (~10x fewer
    // triangles) and says so; the slider sets it either way.
    m_settings.terrainErrorPx = m_ctx.info().type == "CPU" ? 4.0 : 1.0;
    if (m_doc) {
        m_watch.emplace(m_cmd.common.storyPath);
        // The story plays on its own clock (compose::Playhead), advanced by the wall clock only while playing.
        m_playhead = compose::Playhead(m_doc->story(), m_cmd.common.storyTime);
    }
    const scene::CameraSpec start = m_cmd.render.camera ? *m_cmd.render.camera : *scene::findView("kandahar-overview");
    m_orbit.setPose(scene::toPose(start, m_scene.geoidModel()), m_settings.exaggeration);
    m_followTrack = m_cmd.window.followTrack && m_doc && m_doc->story().camera;
    return Ok{};
}

void WindowApp::reloadIfChanged() {
    if (!m_watch) return;
    auto reloaded = m_watch->poll();
    if (!reloaded) return;
    if (!*reloaded) {
        m_banner = reloaded->error().message;
        std::fprintf(stderr, "frontline: warning: %s (the last good story stays on screen)\n", m_banner.c_str());
        return;
    }
    // One undoable step; the look follows the file, with the command line's options on top.
    m_doc->beginGroup("Reload " + m_watch->path());
    (void)m_doc->apply(document::replaceStory((*reloaded)->story()));
    (void)m_doc->apply(document::setLook((*reloaded)->look()));
    m_doc->endGroup();
    m_doc->markSaved();  // it is what the file holds
    static_cast<Look&>(m_settings) = lookFor(m_cmd.common, &m_doc->look());
    m_orbit.setExaggeration(m_settings.exaggeration);
    m_playhead.setClock(m_doc->story().clock);
    m_banner.clear();
    std::fprintf(stderr, "frontline: reloaded %s\n", m_watch->path().c_str());
}

void WindowApp::handleMouse(double mx, double my, int fbHeight) {
    const bool uiMouse = ImGui::GetIO().WantCaptureMouse;
    const bool left = glfwGetMouseButton(m_window, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
    const bool right = glfwGetMouseButton(m_window, GLFW_MOUSE_BUTTON_RIGHT) == GLFW_PRESS;
    if (left && m_input.leftDown && !uiMouse) m_orbit.orbit(mx - m_input.lastX, my - m_input.lastY);
    if (right && m_input.rightDown && !uiMouse) m_orbit.pan(mx - m_input.lastX, my - m_input.lastY, fbHeight);
    m_input.leftDown = left && !uiMouse;
    m_input.rightDown = right && !uiMouse;
    m_input.lastX = mx;
    m_input.lastY = my;
    if (m_input.wheel != 0) {
        m_orbit.zoom(m_input.wheel);
        m_input.wheel = 0;
    }
}

bool WindowApp::recreateSwapchainIfResized() {
    int fbw = 0, fbh = 0;
    glfwGetFramebufferSize(m_window, &fbw, &fbh);
    if (fbw == 0 || fbh == 0) return false;  // minimised
    const VkExtent2D e = m_swapchain.extent();
    if (m_input.resized || e.width != uint32_t(fbw) || e.height != uint32_t(fbh)) {
        m_ctx.waitIdle();
        m_swapchain.recreate(uint32_t(fbw), uint32_t(fbh));
        m_targets.build(m_ctx, m_swapchain, m_pass);
        m_input.resized = false;
    }
    return true;
}

// The track's camera at the playhead while it is followed (the orbit controller takes that pose along, so the
// free camera starts where the track was); otherwise the orbit controller's.
CameraPose WindowApp::cameraPose() {
    if (!m_followTrack || !m_doc || !m_doc->story().camera) return m_orbit.pose();
    const double seconds = m_playhead.presentationSeconds();
    const compose::TimelineFrame f =
        compose::timelineAt(m_doc->story(), seconds, drawnGround(m_scene, m_settings.exaggeration));
    auto pose = trackPose(m_scene, *f.camera, seconds);
    if (!pose) return m_orbit.pose();
    m_orbit.setPose(*pose, m_settings.exaggeration);
    return *pose;
}

void WindowApp::drawUi(const CameraPose& pose) {
    m_imgui->newFrame();
    PanelInfo info;
    info.device = m_ctx.info().name;
    info.frameMs = m_frameMs;
    info.renderer = m_renderer.get();
    info.pose = pose;
    info.geoidUndulation = m_scene.undulation(pose.lat, pose.lon);
    info.cursor = &m_probes->cursor();
    info.storyTitle = m_doc ? &m_doc->story().title : nullptr;
    info.followTrack = m_doc && m_doc->story().camera ? &m_followTrack : nullptr;
    info.safeAreas = &m_safeAreas;
    if (drawPanel(info, m_settings, m_doc ? &m_playhead : nullptr).exaggerationChanged)
        m_orbit.setExaggeration(m_settings.exaggeration);
    if (!m_banner.empty()) drawBanner(m_banner);
    if (m_safeAreas) drawSafeAreas();
    ImGui::Render();
}

void WindowApp::renderFrame(const ViewState& view, std::optional<glm::ivec2> cursorTexel) {
    gpu::FrameSlot& slot = m_frames->current();
    const uint32_t slotIndex = m_frames->slotIndex();
    uint32_t imageIndex = 0;
    while (!m_swapchain.acquire(slot.imageAcquired, imageIndex)) {
        m_ctx.waitIdle();
        int fbw = 0, fbh = 0;
        glfwGetFramebufferSize(m_window, &fbw, &fbh);
        m_swapchain.recreate(uint32_t(std::max(fbw, 1)), uint32_t(std::max(fbh, 1)));
        m_targets.build(m_ctx, m_swapchain, m_pass);
    }
    if (m_doc)
        if (Status s = m_renderer->setContent(m_composer.at(*m_doc, m_playhead.storyTime(), m_settings)); !s)
            std::fprintf(stderr, "frontline: warning: %s\n", s.error().message.c_str());
    m_renderer->prepare(slotIndex, view, m_settings);
    m_renderer->recordTransfers(slot.cmd);
    render::recordFrame(slot.cmd, m_pass, m_targets.target(imageIndex), {0, 0, 0, 1}, [&](VkCommandBuffer c) {
        m_renderer->draw(c, slotIndex);
        ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), c);
    });
    // A swapchain rebuilt during acquire has another size than the view was made for: no pick this frame.
    const VkExtent2D drawn = m_swapchain.extent();
    if (cursorTexel && int(drawn.width) == view.width && int(drawn.height) == view.height)
        m_probes->record(slot.cmd, slotIndex, m_targets.depth(), *cursorTexel, view, m_settings.exaggeration);
    m_frames->submit(slot.imageAcquired, VK_PIPELINE_STAGE_COLOR_ATTACHMENT_OUTPUT_BIT, slot.renderDone);
    if (!m_swapchain.present(slot.renderDone, imageIndex)) m_input.resized = true;
}

void WindowApp::logFrame() {
    if (!m_cmd.window.logFrames) return;
    const terrain::TileStreamer* streamer = m_renderer->streamer();
    const auto ready = streamer ? streamer->readiness() : terrain::Readiness{true, 1.0, {}, {}};
    std::fprintf(stderr, "frontline: frame %d detail %.0f%% loads %u\n", m_frameCount, ready.progress * 100.0,
                 streamer ? streamer->stats().loadsInFlight : 0u);
}

int WindowApp::run() {
    auto lastFrame = std::chrono::steady_clock::now();
    while (!glfwWindowShouldClose(m_window)) {
        glfwPollEvents();
        if (m_input.quit) break;
        reloadIfChanged();
        if (!recreateSwapchainIfResized()) {
            glfwWaitEvents();
            continue;
        }
        double mx, my;
        glfwGetCursorPos(m_window, &mx, &my);
        const VkExtent2D extent = m_swapchain.extent();
        handleMouse(mx, my, int(extent.height));
        const CameraPose pose = cameraPose();
        const ViewState view = computeView(m_scene.frame, pose, extent.width, extent.height);

        // This slot's previous frame is complete once begin() returns: its cursor depth can be read.
        m_frames->begin();
        m_probes->collect(m_frames->slotIndex(), m_scene, *m_renderer);
        // The cursor in framebuffer pixels (window coordinates differ on high-DPI screens).
        int winW, winH;
        glfwGetWindowSize(m_window, &winW, &winH);
        const double scaleX = winW > 0 ? double(extent.width) / winW : 1.0;
        const double scaleY = winH > 0 ? double(extent.height) / winH : 1.0;
        const auto texel = render::pixelTexel(mx * scaleX, my * scaleY, int(extent.width), int(extent.height));
        if (!texel) m_probes->clear();  // outside the window: show nothing rather than a stale point

        m_playhead.advance(m_frameMs / 1000.0);
        drawUi(pose);
        renderFrame(view, texel ? std::optional<glm::ivec2>(*texel) : std::nullopt);

        const auto now = std::chrono::steady_clock::now();
        m_frameMs = std::chrono::duration<double, std::milli>(now - lastFrame).count();
        lastFrame = now;
        ++m_frameCount;
        logFrame();
        if (m_cmd.window.frames > 0 && m_frameCount >= m_cmd.window.frames) break;
    }
    m_ctx.waitIdle();
    m_imgui.reset();
    m_frames.reset();
    m_renderer.reset();
    if (m_ctx.validationErrors()) {
        printError(std::to_string(m_ctx.validationErrors()) + " Vulkan validation error(s) (see messages above)");
        return kExitError;
    }
    return kExitOk;
}

}  // namespace

int runWindow(const Command& cmd) {
    auto loaded = loadStoryScene(cmd.common);
    if (!loaded) {
        printError(loaded.error().message);
        return kExitError;
    }
    for (const std::string& w : loaded->warnings) std::fprintf(stderr, "frontline: warning: %s\n", w.c_str());
    Glfw glfw;
    if (!glfw.ok) {
        printError("cannot open a window: no display (set DISPLAY, run under xvfb-run, or use `frontline render`)");
        return kExitError;
    }
    auto window = openWindow(cmd.render.size);
    if (!window) {
        printError(window.error().message);
        return kExitError;
    }
    auto ctx = createContext(*window, cmd.common.deviceIndex);
    if (!ctx) {
        glfwDestroyWindow(*window);
        printError(ctx.error().message);
        return kExitError;
    }
    std::fprintf(stderr, "frontline: device: %s\n", (*ctx)->info().describe().c_str());
    int code = kExitError;
    {
        WindowApp app(cmd, std::move(loaded).value(), *window, **ctx);
        if (Status s = app.init(); !s)
            printError(s.error().message);
        else
            code = app.run();
    }
    glfwDestroyWindow(*window);
    return code;
}

}  // namespace fl::app
