#version 450
#extension GL_GOOGLE_include_directive : require
// One level of the GPU quadtree walk over Web Mercator tiles (level = zoom). Each node of this level either
// subdivides (its four children go to the next level's list), is drawn as a patch, or is culled (outside
// the frustum, below the horizon, or outside the data). The CPU records one dispatch per level and never
// looks at a node; the next level's dispatch size is maintained here with atomicMax. The level comes from the
// counters (walkLevel), which the CPU sets before each dispatch.
//
// Crack-free by construction (CDLOD-style): a node subdivides where any of its points is closer than
// lodRange(level); vertices morph into the parent grid as their distance approaches lodRange(level - 1),
// and the minimum range (terrain.lod.y node sides) keeps neighbours within one level of each other with
// the coarser side's shared edge outside its own morph zone.
#define TERRAIN_STORAGE
#define TERRAIN_COUNTERS
#include "shared/terrain_lod.glsl"

layout(local_size_x = 64) in;

layout(set = 1, binding = 6, std430) buffer Nodes { uvec4 nodes[]; };

uint listBase(uint level) {
    return (level & 1u) * terrain.levels.w;
}

// Deepest resident tile containing node (level, x, y) with zoom in [floorZoom, cap]; kNoPage layer if none.
uvec2 deepest(uint level, uvec2 xy, uint cap, uint floorZoom) {
    for (int z = int(cap); z >= int(floorZoom); --z) {
        uvec2 t = xy >> uvec2(level - uint(z));
        uint layer = findPage(uint(z), t.x, t.y);
        if (layer != kNoPage) return packRef(uint(z), t.x, t.y, layer);
    }
    return uvec2(kNoPage);
}

bool isNone(uvec2 r) { return r.x == kNoPage; }

// Of two refs, the one both neighbours would pick for their shared vertices: the coarser, ties by tile.
uvec2 coarser(uvec2 a, uvec2 b) {
    if (isNone(b)) return a;
    if (isNone(a)) return b;
    uint za = refZoom(a), zb = refZoom(b);
    if (za != zb) return za < zb ? a : b;
    uvec2 ta = refTile(a), tb = refTile(b);
    if (ta.y != tb.y) return ta.y < tb.y ? a : b;
    return ta.x <= tb.x ? a : b;
}

uint dataCap(uint level) {
    // Two zooms below the level: a 32-cell patch then reads 2x2 samples per cell (normals see them all).
    return max(level, terrain.levels.y + 2u) - 2u;
}

// The 3x3 refs (vertex classes: row-major from the north-west corner) of node (level, x, y): the node's own
// data inside, the coarser of it and each neighbour's on edges and corners.
void classRefs(uint level, uvec2 xy, uvec2 self, out uvec2 refs[9]) {
    uint n = 1u << level;
    uint cap = dataCap(level), lo = terrain.levels.y;
    uvec2 nb[9];
    for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 3; ++i) {
            int k = j * 3 + i;
            if (k == 4) {
                nb[k] = self;
                continue;
            }
            int ny = int(xy.y) + j - 1;
            if (ny < 0 || ny >= int(n)) {
                nb[k] = uvec2(kNoPage);  // past the pole
                continue;
            }
            uint nx = (xy.x + n + uint(i) - 1u) & (n - 1u);  // wraps at the antimeridian
            nb[k] = deepest(level, uvec2(nx, uint(ny)), cap, lo);
        }
    for (int k = 0; k < 9; ++k) refs[k] = self;
    refs[1] = coarser(self, nb[1]);
    refs[3] = coarser(self, nb[3]);
    refs[5] = coarser(self, nb[5]);
    refs[7] = coarser(self, nb[7]);
    refs[0] = coarser(coarser(refs[1], refs[3]), nb[0]);
    refs[2] = coarser(coarser(refs[1], refs[5]), nb[2]);
    refs[6] = coarser(coarser(refs[7], refs[3]), nb[6]);
    refs[8] = coarser(coarser(refs[7], refs[5]), nb[8]);
}

// Height bounds (MSL) of the part of `r`'s tile under node (level, x, y), from the page's block pyramid.
vec2 boundsUnder(uvec2 r, uint level, uvec2 xy) {
    uint d = level - refZoom(r);
    uint l = min(d, 4u);
    uvec2 block = (xy >> uvec2(d - l)) & uvec2((1u << l) - 1u);
    const uint offsets[5] = uint[](0u, 1u, 5u, 21u, 85u);
    return pageBounds[refLayer(r) * uint(FRONTLINE_PAGE_BOUNDS) + offsets[l] + block.y * (1u << l) + block.x];
}

void main() {
    uint level = walkLevel;
    uint index = gl_GlobalInvocationID.x;
    if (index >= levelArgs[level].w) return;
    atomicAdd(stats[0], 1u);
    uvec4 node = nodes[listBase(level) + index];
    uvec2 xy = node.xy;
    uint floorZoom = node.z;  // the parent's data zoom: the walk below never needs to go coarser
    float n = float(1u << level);
    vec2 uv0 = vec2(xy) / n, uv1 = vec2(xy + 1u) / n;
    if (uv1.x <= terrain.bounds.x || uv0.x >= terrain.bounds.z || uv1.y <= terrain.bounds.y ||
        uv0.y >= terrain.bounds.w)
        return;  // outside the source

    bool hasData = level >= terrain.levels.y;
    uvec2 self = uvec2(kNoPage), parent = uvec2(kNoPage);
    vec2 hb = vec2(-500.0, 9000.0);
    if (hasData) {
        self = deepest(level, xy, dataCap(level), floorZoom);
        if (isNone(self)) return;  // no data here at all
        parent = level > terrain.levels.y ? deepest(level - 1u, xy >> 1u, dataCap(level - 1u), floorZoom) : self;
        if (isNone(parent)) parent = self;
        vec2 a = boundsUnder(self, level, xy), b = boundsUnder(parent, level, xy);
        hb = vec2(min(a.x, b.x), max(a.y, b.y));
        // Edges may read a coarser neighbour's page, and bilinear overshoots nothing but rounds: pad.
        float pad = 0.05 * (hb.y - hb.x) + 10.0;
        hb += vec2(-pad, pad);
    }

    // Box of the node's surface (camera ENU) from a 3x3 lattice at both height bounds, and of its
    // footprint at the LOD reference height (distance for the error test). Chord sag pads both.
    float exag = terrain.camHeight.z;
    vec2 uvc = 0.5 * (uv0 + uv1);
    Surface centre = placeOnEllipsoid(uvc, 0.0);
    float geoid = geoidAt(centre.lat, centre.lon);
    float side = cellSize(level, centre.cosLat) * float(kCells);
    float geoidPad = 2.0 + 1e-3 * side;
    float liftLo = hb.x * exag + geoid - geoidPad, liftHi = hb.y * exag + geoid + geoidPad;
    vec3 lo = vec3(1e30), hi = vec3(-1e30), rlo = vec3(1e30), rhi = vec3(-1e30);
    vec3 tops[9];
    for (int j = 0; j < 3; ++j)
        for (int i = 0; i < 3; ++i) {
            vec2 uv = mix(uv0, uv1, vec2(i, j) * 0.5);
            vec3 pl = placeOnEllipsoid(uv, liftLo).rel, ph = placeOnEllipsoid(uv, liftHi).rel;
            vec3 pr = placeOnEllipsoid(uv, terrain.camHeight.y).rel;
            lo = min(lo, min(pl, ph));
            hi = max(hi, max(pl, ph));
            rlo = min(rlo, pr);
            rhi = max(rhi, pr);
            tops[j * 3 + i] = ph;
        }
    float sag = side * side / (8.0 * 6356752.0) + 1e-4 * side;
    lo -= sag;
    hi += sag;
    rlo -= sag;
    rhi += sag;

    if (level >= 3u) {
        for (int p = 0; p < 5; ++p) {
            vec4 pl = terrain.planes[p];
            vec3 c = vec3(pl.x >= 0.0 ? hi.x : lo.x, pl.y >= 0.0 ? hi.y : lo.y, pl.z >= 0.0 ? hi.z : lo.z);
            if (dot(pl.xyz, c) + pl.w < 0.0) return;
        }
    }
    if (level >= 4u && hasData) {
        // Horizon: hidden when every lattice top is behind the tangent cone of the occluding sphere.
        vec3 e = -terrain.horizon.xyz;  // eye from the centre
        float vh = dot(e, e) - terrain.horizon.w * terrain.horizon.w;
        bool hidden = true;
        for (int k = 0; k < 9 && hidden; ++k) {
            vec3 vt = tops[k];  // eye to the point
            float t = -dot(vt, e);
            hidden = t > vh && t * t / dot(vt, vt) > vh;
        }
        if (hidden) return;
    }

    // Closest approach of the footprint, and the range at the node's latitude nearest the equator.
    float dist = length(max(vec3(0.0), max(rlo, -rhi)));
    float cosMax;
    if (uv0.y <= 0.5 && uv1.y >= 0.5)
        cosMax = 1.0;
    else {
        float vEq = uv1.y < 0.5 ? uv1.y : uv0.y;
        cosMax = 1.0 / cosh(kPi * (1.0 - 2.0 * vEq));
    }
    bool subdivide = level < 2u || !hasData || (level < terrain.levels.x && dist < lodRange(level, cosMax));
    if (subdivide && level + 1u < uint(FRONTLINE_MAX_LEVELS)) {
        uint at = atomicAdd(levelArgs[level + 1u].w, 4u);
        if (at + 4u <= terrain.levels.w) {
            uint childFloor = hasData ? refZoom(self) : floorZoom;
            uint base = listBase(level + 1u) + at;
            for (uint c = 0u; c < 4u; ++c)
                nodes[base + c] = uvec4(xy * 2u + uvec2(c & 1u, c >> 1u), childFloor, 0u);
            atomicMax(levelArgs[level + 1u].x, (at + 4u + 63u) / 64u);
            return;
        }
        atomicAdd(levelArgs[level + 1u].w, uint(-4));  // no room: draw this node instead (degraded)
        atomicAdd(stats[1], 1u);
        if (!hasData) return;
    } else if (subdivide) {
        return;
    }

    uint at = atomicAdd(patchArgs.w, 1u);
    if (at >= terrain.levels.z) {
        atomicAdd(stats[2], 1u);
        return;
    }
    atomicMax(patchArgs.x, (at + 64u) / 64u);
    TerrainPatch p;
    p.node = uvec4(level, xy, floatBitsToUint(length(max(vec3(0.0), max(lo, -hi)))));
    uvec2 own[9], up[9];
    classRefs(level, xy, self, own);
    if (level > terrain.levels.y)
        classRefs(level - 1u, xy >> 1u, parent, up);
    else
        up = own;
    // refs 0..8: this level; 9..17: the parent level; two per uvec4.
    for (uint k = 0u; k < 18u; ++k) {
        uvec2 r = k < 9u ? own[k] : up[k - 9u];
        if ((k & 1u) == 0u)
            p.refs[k >> 1].xy = r;
        else
            p.refs[k >> 1].zw = r;
    }
    patches[at] = p;
}
