// Image parsing is shared with the components, which refuse unpinned images before deploying them.
export { type ImageRef, parseImage, unpinnedReason } from "../../components/common/images";
