//go:build windows

package main

import (
	"os"
	"syscall"
)

// attachConsole gives the commands their output on Windows. The packaged
// exe is a GUI program, so that opening the app from Explorer flashes no
// console window; Windows then gives it no standard output or error. When
// it was started from a console (cmd.exe, PowerShell), attach to that
// console and write there. Output redirected to a file or pipe already has
// a handle, and is left alone.
func attachConsole() {
	out, errOut := hasHandle(syscall.STD_OUTPUT_HANDLE), hasHandle(syscall.STD_ERROR_HANDLE)
	if out && errOut {
		return
	}
	const attachParentProcess = uintptr(^uint32(0)) // ATTACH_PARENT_PROCESS, (DWORD)-1
	r, _, _ := syscall.NewLazyDLL("kernel32.dll").NewProc("AttachConsole").Call(attachParentProcess)
	if r == 0 {
		return // started from Explorer or a shortcut: no console to write to
	}
	f, err := os.OpenFile("CONOUT$", os.O_WRONLY, 0)
	if err != nil {
		return
	}
	if !out {
		os.Stdout = f
	}
	if !errOut {
		os.Stderr = f
	}
}

func hasHandle(std int) bool {
	h, err := syscall.GetStdHandle(std)
	return err == nil && h != 0 && h != syscall.InvalidHandle
}
