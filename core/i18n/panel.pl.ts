// Polish strings of the panel.
export const panel: Record<string, string> = {
};
