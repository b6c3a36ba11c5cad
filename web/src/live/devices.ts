// Camera and microphone choices (enumerateDevices) and the getUserMedia constraints for them.

export interface DeviceChoice {
  deviceId: string;
  label: string;
}

export interface DeviceLists {
  cameras: DeviceChoice[];
  microphones: DeviceChoice[];
}

/** Split devices into cameras and microphones with readable labels (labels are empty before permission). */
export function deviceLists(devices: readonly MediaDeviceInfo[]): DeviceLists {
  const pick = (kind: MediaDeviceKind, noun: string) =>
    devices
      .filter((d) => d.kind === kind && d.deviceId)
      .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `${noun} ${i + 1}` }));
  return { cameras: pick("videoinput", "Camera"), microphones: pick("audioinput", "Microphone") };
}

export async function listDevices(): Promise<DeviceLists> {
  if (!navigator.mediaDevices?.enumerateDevices) return { cameras: [], microphones: [] };
  return deviceLists(await navigator.mediaDevices.enumerateDevices());
}

export interface MediaChoice {
  cameraId: string;
  microphoneId: string;
  /** No echo cancellation, noise suppression or automatic gain: what the analysis prefers. */
  rawAudio: boolean;
}

export function mediaConstraints(choice: MediaChoice): MediaStreamConstraints {
  const device = (id: string) => (id ? { deviceId: { exact: id } } : {});
  const audio: MediaTrackConstraints = choice.rawAudio
    ? { echoCancellation: false, noiseSuppression: false, autoGainControl: false, channelCount: 1 }
    : {};
  return {
    audio: { ...audio, ...device(choice.microphoneId) },
    video: {
      width: { ideal: 640 },
      height: { ideal: 480 },
      frameRate: { ideal: 15, max: 30 },
      ...device(choice.cameraId),
    },
  };
}
