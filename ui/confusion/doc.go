// Package confusion is the window's Confusion view: the confusion matrix
// of the model's test evaluation, stored in its file, as a heat map (the
// study's Figure 3), in percent or counts. A click on a cell lists that
// cell's test pictures in the Collection view, analysed with the loaded
// model (TestSet, which the shell implements over the Collection view);
// the data set's folder is asked for once and remembered in the
// preferences (PrefDataDir). The view is built on the host with New, as
// every view is (see ui/host).
package confusion
