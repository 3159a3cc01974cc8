package dev.mcu.mixer;

import dev.mcu.layouts.Layout;
import dev.mcu.layouts.Tile;
import dev.mcu.media.I420Frame;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Composites the participants' latest pictures into one I420 canvas for one output profile.
 *
 * <p>Called only from the room's media clock thread, once per output frame; not thread-safe.
 *
 * <p>How it stays cheap: the canvas is cleared only when the layout changes; a tile is re-scaled
 * only when its source frame object changed since the last compose (frames are immutable once
 * published, so identity is enough). A source the decoder already fitted to its tile
 * ({@link dev.mcu.media.PictureFit}; the usual case) is copied in row by row. Any other size (just
 * after a layout change) goes through swscale into a small native buffer of the tile's picture
 * size, whose rows are then copied into the canvas (a Java array the encoder reads directly; see
 * {@link TileScaler} for why not straight into a native canvas).
 * Nothing is allocated per frame. A participant without a frame yet shows black; one whose frame
 * disappears keeps its last picture.
 *
 * <p>Ownership: the source staging buffer and, per tile, a SwsContext and a picture buffer are
 * owned here and freed in {@link #close()}; the canvas is a plain Java array.
 */
public final class VideoCompositor implements AutoCloseable {
    /** Highlight border: yellow in BT.601 limited range, 4 pixels (even, so chroma stays aligned). */
    static final int HIGHLIGHT_Y = 210;
    static final int HIGHLIGHT_U = 16;
    static final int HIGHLIGHT_V = 146;
    static final int HIGHLIGHT_THICKNESS = 4;

    private final Canvas canvas;
    private final SourceBuffer source = new SourceBuffer();       // owned: closed in close()
    private final List<TileScaler> scalers = new ArrayList<>();   // owned: each closed in close() or when the layout shrinks

    private Layout layout;
    private String[] ids = new String[0];
    private Tile[] tiles = new Tile[0];
    /** For each tile, the earlier (lower) tiles it overlaps: redrawing one of those covers it. */
    private int[][] overlappedBelow = new int[0][];
    private boolean[] redrawn = new boolean[0];
    private int highlightedIndex = -1;
    private long scaleCount;
    private boolean closed;

    public VideoCompositor(int canvasWidth, int canvasHeight) {
        if (canvasWidth < 2 || canvasHeight < 2) {
            throw new IllegalArgumentException("canvas too small: " + canvasWidth + "x" + canvasHeight);
        }
        this.canvas = new Canvas(canvasWidth, canvasHeight);
        this.layout = Layout.empty(canvasWidth, canvasHeight);
    }

    public int canvasWidth() {
        return canvas.width;
    }

    public int canvasHeight() {
        return canvas.height;
    }

    /** {@link #compose(Layout, Map, String)} without a highlighted participant. */
    public I420Frame compose(Layout newLayout, Map<String, I420Frame> latestFrames) {
        return compose(newLayout, latestFrames, null);
    }

    /**
     * Draws the layout with each participant's latest frame (absent: black, or its last picture).
     *
     * @param highlightedId participant to outline (the active speaker), or null
     * @return the canvas: the SAME frame object and array on every call, overwritten by the next
     *         call. Consume it (encode it) before composing again; do not keep or publish it.
     * @throws IllegalArgumentException if the layout was computed for another canvas size
     */
    public I420Frame compose(Layout newLayout, Map<String, I420Frame> latestFrames, String highlightedId) {
        if (closed) {
            throw new IllegalStateException("compositor is closed");
        }
        if (newLayout != layout && !newLayout.equals(layout)) {
            applyLayout(newLayout);
        }
        int newHighlight = indexOf(highlightedId);
        int oldHighlight = highlightedIndex;
        highlightedIndex = newHighlight;
        Arrays.fill(redrawn, false);
        for (int i = 0; i < ids.length; i++) {
            TileScaler scaler = scalers.get(i);
            I420Frame frame = latestFrames.get(ids[i]);
            boolean sourceChanged = frame != null && frame != scaler.lastFrame;
            boolean covered = coveredByRedraw(i);
            boolean highlightMoved = newHighlight != oldHighlight && (i == newHighlight || i == oldHighlight);
            if (!sourceChanged && !covered && !highlightMoved) {
                continue;
            }
            redrawn[i] = true;
            I420Frame toDraw = frame != null ? frame : scaler.lastFrame;
            draw(tiles[i], scaler, toDraw, covered || highlightMoved);
            if (i == newHighlight) {
                drawBorder(tiles[i]);
            }
        }
        return canvas.frame;
    }

    /**
     * Where a participant's picture was last drawn: its tile without the black bars (the whole tile
     * when it has no picture yet), or null when it has no tile.
     */
    public Tile pictureArea(String participantId) {
        int index = indexOf(participantId);
        if (index < 0) {
            return null;
        }
        Tile area = scalers.get(index).pictureArea();
        return area != null && tiles[index].contains(area) ? area : tiles[index];
    }

    /** How many times a source was scaled into a tile; tests use it to prove unchanged tiles are skipped. */
    long scaleCount() {
        return scaleCount;
    }

    private void draw(Tile tile, TileScaler scaler, I420Frame frame, boolean repaintWholeTile) {
        if (frame == null) {
            canvas.fillBlack(tile.x(), tile.y(), tile.width(), tile.height());
            return;
        }
        boolean pictureMoved = scaler.aim(tile, frame.width(), frame.height());
        if (repaintWholeTile || pictureMoved || !scaler.ready()) {
            canvas.fillBlack(tile.x(), tile.y(), tile.width(), tile.height());
        }
        if (scaler.fitsExactly(frame)) {
            scaler.copy(frame, canvas); // the decoder already scaled it to this tile
        } else if (!scaler.ready()) {
            scaler.lastFrame = frame; // swscale refused these sizes: black, and do not retry every frame
            return;
        } else {
            source.load(frame);
            scaler.scale(source, canvas);
        }
        scaler.lastFrame = frame;
        scaleCount++;
    }

    private void drawBorder(Tile t) {
        int b = HIGHLIGHT_THICKNESS;
        if (t.width() <= 2 * b || t.height() <= 2 * b) {
            return;
        }
        canvas.fill(t.x(), t.y(), t.width(), b, HIGHLIGHT_Y, HIGHLIGHT_U, HIGHLIGHT_V);
        canvas.fill(t.x(), t.bottom() - b, t.width(), b, HIGHLIGHT_Y, HIGHLIGHT_U, HIGHLIGHT_V);
        canvas.fill(t.x(), t.y() + b, b, t.height() - 2 * b, HIGHLIGHT_Y, HIGHLIGHT_U, HIGHLIGHT_V);
        canvas.fill(t.right() - b, t.y() + b, b, t.height() - 2 * b, HIGHLIGHT_Y, HIGHLIGHT_U, HIGHLIGHT_V);
    }

    private boolean coveredByRedraw(int index) {
        for (int below : overlappedBelow[index]) {
            if (redrawn[below]) {
                return true;
            }
        }
        return false;
    }

    private int indexOf(String id) {
        if (id == null) {
            return -1;
        }
        for (int i = 0; i < ids.length; i++) {
            if (ids[i].equals(id)) {
                return i;
            }
        }
        return -1;
    }

    /** Precomputes everything that depends only on the layout, and clears the canvas. */
    private void applyLayout(Layout newLayout) {
        if (newLayout.canvasWidth() != canvas.width || newLayout.canvasHeight() != canvas.height) {
            throw new IllegalArgumentException("layout for " + newLayout.canvasWidth() + "x" + newLayout.canvasHeight()
                    + " given to a " + canvas.width + "x" + canvas.height + " compositor");
        }
        layout = Objects.requireNonNull(newLayout);
        int n = newLayout.size();
        ids = newLayout.participantIds().toArray(new String[0]);
        tiles = new Tile[n];
        for (int i = 0; i < n; i++) {
            tiles[i] = newLayout.tileAt(i);
        }
        overlappedBelow = new int[n][];
        for (int i = 0; i < n; i++) {
            int[] below = new int[i];
            int count = 0;
            for (int j = 0; j < i; j++) {
                if (tiles[j].intersects(tiles[i])) {
                    below[count++] = j;
                }
            }
            overlappedBelow[i] = Arrays.copyOf(below, count);
        }
        redrawn = new boolean[n];
        while (scalers.size() < n) {
            scalers.add(new TileScaler());
        }
        while (scalers.size() > n) {
            scalers.remove(scalers.size() - 1).close();
        }
        for (TileScaler scaler : scalers) {
            scaler.reset();
        }
        highlightedIndex = -1;
        canvas.clear();
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = scalers.size() - 1; i >= 0; i--) {
            scalers.get(i).close();
        }
        scalers.clear();
        source.close();
    }
}
