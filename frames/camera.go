package frames

// Camera is a camera found on this computer.
type Camera struct {
	// Path opens it (OpenCamera); Name is what its driver calls it.
	Path, Name string
}

// cameraWidth and cameraHeight are the frame size asked of a camera: the
// network takes far smaller pictures, and a small frame is quick to
// decode and to show.
const cameraWidth, cameraHeight = 320, 240
