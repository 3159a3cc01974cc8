package dev.mcu.layouts;

/** How the participants share the canvas. */
public enum LayoutKind {
    /** Everyone in equal cells; the grid grows with the count. */
    GRID,
    /** The focus (active speaker) large, a filmstrip of up to 7 others along the bottom. */
    SPEAKER,
    /** The focus (presenter) large, the others as a column of thumbnails on the right. */
    PRESENTER,
    /** The focus fills the canvas; one other sits small in the bottom-right corner, drawn on top. */
    PICTURE_IN_PICTURE,
    /** Tiles from a file, in units relative to the canvas; the focus takes the first tile. */
    CUSTOM
}
