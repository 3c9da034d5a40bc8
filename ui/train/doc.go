// Package train is the window's Train view: a folder of class folders (or
// classes made in the window, package classset, in classes.go), a network
// and its settings (each with a line saying what its value does, in
// hints.go), and the network learning live: the loss per batch, the loss
// and accuracy per epoch, and for any epoch its confusion matrix, its
// first layer's filters and a picture's feature maps and Grad-CAM. The
// training itself is training.Train, the command's; the view only draws
// what it reports. A finished or stopped run's epoch can be saved or made
// the window's model (Open in Explore).
//
// The view is built on the host with New, as every view is (see
// ui/host); the shell hands it dropped folders and pictures (OpenFolder,
// DropAt) and 'artlens --view train FOLDER' (Begin).
package train
